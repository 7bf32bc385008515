"""`SquareReader`: the worker's `EventReader` for stored Square webhooks.

The venue comes from the merchant's connection, read when the event is processed (so an event
stored before the merchant connected books once it is replayed). No connection, or a revoked
one: `Skip`, with the reason and the way out. Otherwise `SquareProvider.fetch` decides from the
envelope, fetches the order with the merchant's token (no database transaction is open
meanwhile) and normalises it.

`oauth.authorization.revoked` (the seller revoked barback in Square's dashboard, or Square did):
`on_revoked` ends the connection (engine/usecases/connections.py: marked revoked, tokens
forgotten, the venue alerted, polling stopped), and the event is done, having booked nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from engine.connections import ConnectionRepository
from engine.inbox import StoredEvent
from integrations.processing import Read
from integrations.provider import Skip
from integrations.square.envelope import parse
from integrations.square.normalize import PROVIDER
from integrations.square.provider import CATALOG_EVENT, SquareProvider

REVOKED = "oauth.authorization.revoked"

OnRevoked = Callable[[str, str], Awaitable[int | None]]
"""`on_revoked(merchant_id, reason)`: end the merchant's connection; its venue id, or None when it
was connected to none."""


class SquareReader:
    def __init__(
        self,
        provider: SquareProvider,
        connections: ConnectionRepository,
        on_revoked: OnRevoked | None = None,
    ) -> None:
        self._provider = provider
        self._connections = connections
        self._on_revoked = on_revoked

    async def read(self, event: StoredEvent) -> Read | Skip:
        envelope = parse(event.body)
        if envelope.type == REVOKED and self._on_revoked is not None:
            reason = "Square says the seller revoked barback's access"
            venue_id = await self._on_revoked(envelope.merchant_id, reason)
            if venue_id is None:
                return Skip(f"Square merchant {envelope.merchant_id} was connected to no venue")
            return Read(venue_id, ())
        connection = await self._connections.get(PROVIDER, envelope.merchant_id)
        if connection is None:
            return Skip(
                f"Square merchant {envelope.merchant_id} is not connected to a venue "
                f"(connect square, then `barback events replay {event.id}`)"
            )
        if not connection.active:
            return Skip(
                f"Square merchant {envelope.merchant_id} was disconnected "
                f"(connect square again, then `barback events replay {event.id}`)"
            )
        if envelope.type == CATALOG_EVENT:
            menu = await self._provider.menu(envelope.merchant_id)
            return Read(connection.venue_id, (menu,))
        result = await self._provider.fetch(envelope)
        if isinstance(result, Skip):
            return result
        return Read(connection.venue_id, result.booked)
