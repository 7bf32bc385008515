"""`CloverReader`: the worker's `EventReader` for stored Clover notices.

The venue comes from the merchant's connection, read when the event is processed (so a notice
stored before the merchant connected books once it is replayed). No connection: `Skip`, with the
reason and the way out. Otherwise `CloverProvider.fetch` fetches the order with the merchant's
token (no database transaction is open meanwhile) and normalises it.
"""

from __future__ import annotations

from engine.connections import ConnectionRepository
from engine.inbox import StoredEvent
from integrations.clover.envelope import parse_notice
from integrations.clover.normalize import PROVIDER
from integrations.clover.provider import CloverProvider
from integrations.processing import Read
from integrations.provider import Skip


class CloverReader:
    def __init__(self, provider: CloverProvider, connections: ConnectionRepository) -> None:
        self._provider = provider
        self._connections = connections

    async def read(self, event: StoredEvent) -> Read | Skip:
        notice = parse_notice(event.body)
        connection = await self._connections.get(PROVIDER, notice.merchant_id)
        if connection is None:
            return Skip(
                f"Clover merchant {notice.merchant_id} is not connected to a venue "
                f"(connect clover, then `barback events replay {event.id}`)"
            )
        result = await self._provider.fetch(notice)
        if isinstance(result, Skip):
            return result
        return Read(connection.venue_id, result.booked)
