"""`CloverPoller`: Clover's side of reconciliation (`integrations.polling.Reconciler`).

Clover promises no webhook delivery at all, so every connected merchant is polled for the orders
*modified* in the window: `GET /v3/merchants/{mId}/orders?filter=modifiedTime>=..&filter=
modifiedTime<..`, expanded like a single order, page by page (`offset`, `limit`; a page shorter
than the limit is the last). `modifiedTime` moves with every change (payment, refund, void), so
one filter finds new sales and late refunds alike; an order modified while the pages are read
leaves the window (its time is past the end) and the next run, whose window starts before it,
finds it. Each order is normalised as a webhook's would be.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from engine.connections import PosConnection
from integrations.clover import fields as f
from integrations.clover.client import PAGE_LIMIT, CloverClient
from integrations.clover.normalize import PROVIDER, normalize_order
from integrations.provider import Booked, Skip, TokenSource

MAX_PAGES = 500  # 50,000 orders in one window: a loop that never ends is a bug, not a bar


class CloverPoller:
    def __init__(
        self, client: CloverClient, tokens: TokenSource, *, page: int = PAGE_LIMIT
    ) -> None:
        self._client = client
        self._tokens = tokens
        self._page = page

    @property
    def provider(self) -> str:
        return PROVIDER

    async def orders(
        self, connection: PosConnection, since: datetime, until: datetime
    ) -> AsyncIterator[object]:
        merchant = connection.merchant_id
        token = await self._tokens.access_token(PROVIDER, merchant)
        for number in range(MAX_PAGES):
            page = await self._client.list_orders(
                token, merchant, since, until, offset=number * self._page, limit=self._page
            )
            for order in page:
                yield order
            if len(page) < self._page:
                return
        raise RuntimeError(f"more than {MAX_PAGES} pages of Clover orders in one window")

    async def documents(self, connection: PosConnection, order: object) -> Sequence[Booked] | Skip:
        result = normalize_order(f.as_object(order, "order"))
        return result if isinstance(result, Skip) else result.booked
