"""`SquareReader`: the worker's `EventReader` for stored Square webhooks.

The venue comes from the merchant's connection, read when the event is processed (so an event
stored before the merchant connected books once it is replayed). No connection: `Skip`, with the
reason and the way out. Otherwise `SquareProvider.fetch` decides from the envelope, fetches the
order with the merchant's token (no database transaction is open meanwhile) and normalises it.
"""

from __future__ import annotations

from engine.connections import ConnectionRepository
from engine.inbox import StoredEvent
from integrations.processing import Read
from integrations.provider import Skip
from integrations.square.envelope import parse
from integrations.square.normalize import PROVIDER
from integrations.square.provider import CATALOG_EVENT, SquareProvider


class SquareReader:
    def __init__(self, provider: SquareProvider, connections: ConnectionRepository) -> None:
        self._provider = provider
        self._connections = connections

    async def read(self, event: StoredEvent) -> Read | Skip:
        envelope = parse(event.body)
        connection = await self._connections.get(PROVIDER, envelope.merchant_id)
        if connection is None:
            return Skip(
                f"Square merchant {envelope.merchant_id} is not connected to a venue "
                f"(connect square, then `barback events replay {event.id}`)"
            )
        if envelope.type == CATALOG_EVENT:
            menu = await self._provider.menu(envelope.merchant_id)
            return Read(connection.venue_id, (menu,))
        result = await self._provider.fetch(envelope)
        if isinstance(result, Skip):
            return result
        return Read(connection.venue_id, result.booked)
