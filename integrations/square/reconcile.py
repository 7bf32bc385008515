"""`SquarePoller`: Square's side of reconciliation (`integrations.polling.Reconciler`).

For each connected merchant, `SearchOrders` for COMPLETED orders updated in the window, a few
locations at a time (`MAX_LOCATIONS`), page by page; each order is normalised as a webhook's
would be.

- The overlap is 10 minutes: Square's search index is eventually consistent, and an order
  updated just before the last run's end but indexed after it is seen again.
- Square refusing the merchant's credentials (`NotConnected`: the grant was revoked without the
  webhook reaching us, or the token can no longer be refreshed) ends the connection through the
  reconciler's `on_revoked`, as `oauth.authorization.revoked` does: the venue is alerted once and
  the merchant is not polled again, instead of failing every five minutes forever.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from engine.connections import ConnectionRepository, PosConnection
from integrations.polling import EVERY, FIRST_LOOK, BookOrder, JobRuns, Reconciler
from integrations.provider import Booked, Skip, TokenSource
from integrations.square import fields as f
from integrations.square.client import MAX_LOCATIONS, SquareClient
from integrations.square.normalize import PROVIDER, normalize_order

OVERLAP = timedelta(minutes=10)


class SquarePoller:
    def __init__(self, client: SquareClient, tokens: TokenSource) -> None:
        self._client = client
        self._tokens = tokens

    @property
    def provider(self) -> str:
        return PROVIDER

    async def orders(
        self, connection: PosConnection, since: datetime, until: datetime
    ) -> AsyncIterator[object]:
        token = await self._tokens.access_token(PROVIDER, connection.merchant_id)
        locations = connection.location_ids
        for start in range(0, len(locations), MAX_LOCATIONS):
            chunk = locations[start : start + MAX_LOCATIONS]
            cursor: str | None = None
            while True:
                page = await self._client.search_orders(
                    token, chunk, since, cursor, updated_until=until
                )
                for order in page.orders:
                    yield order
                cursor = page.cursor
                if cursor is None:
                    break

    async def documents(self, connection: PosConnection, order: object) -> Sequence[Booked] | Skip:
        result = normalize_order(f.as_object(order, "order"))
        return result if isinstance(result, Skip) else result.booked


def square_reconciler(
    client: SquareClient,
    tokens: TokenSource,
    connections: ConnectionRepository,
    book: BookOrder,
    now: Callable[[], datetime],
    *,
    overlap: timedelta = OVERLAP,
    first_look: timedelta = FIRST_LOOK,
    every: timedelta = EVERY,
    runs: JobRuns | None = None,
    on_revoked: Callable[[str, str], Awaitable[object]] | None = None,
) -> Reconciler:
    """Square's reconciler: `runs` claims each venue's slot so one process in many runs it."""
    return Reconciler(
        SquarePoller(client, tokens),
        connections,
        book,
        now,
        overlap=overlap,
        first_look=first_look,
        every=every,
        runs=runs,
        on_revoked=on_revoked,
    )
