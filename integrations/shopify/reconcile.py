"""`ShopifyPoller`: Shopify's side of reconciliation (`integrations.polling.Reconciler`, which keeps
the window, the cursor, the per-order transactions and the one-run-per-slot claims).

Shopify retries a webhook for 4 hours, then gives up (and deletes a subscription that keeps
failing), so the poller asks each connected shop for its orders of any status *updated* in the
window (`GET orders.json`, page by page through the `Link` header's `page_info` cursor), and
each order goes through the webhook's normaliser and location rule
(`ShopifyProvider.normalize`, `for_connection`): what a webhook already booked books nothing
again, and an order's `refunds[]` book with it. A 429 is waited out inside the call (`PosApi`);
one that lasts fails the run, and the next run retries the window.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from engine.connections import PosConnection
from integrations.provider import Booked, Skip, TokenSource
from integrations.shopify import fields as f
from integrations.shopify.client import ShopifyClient
from integrations.shopify.provider import ShopifyProvider, for_connection
from integrations.shopify.refunds import PROVIDER

MAX_PAGES = 1_000  # 250,000 orders in one window: a loop that never ends is a bug, not a bar


class ShopifyPoller:
    def __init__(
        self, client: ShopifyClient, provider: ShopifyProvider, tokens: TokenSource
    ) -> None:
        self._client = client
        self._provider = provider
        self._tokens = tokens

    @property
    def provider(self) -> str:
        return PROVIDER

    async def orders(
        self, connection: PosConnection, since: datetime, until: datetime
    ) -> AsyncIterator[object]:
        shop = connection.merchant_id
        token = await self._tokens.access_token(PROVIDER, shop)
        page_info: str | None = None
        for _ in range(MAX_PAGES):
            page = await self._client.orders_page(shop, token, since, until, page_info)
            for order in page.orders:
                yield order
            page_info = page.next_page
            if page_info is None:
                return

    async def documents(self, connection: PosConnection, order: object) -> Sequence[Booked] | Skip:
        result = self._provider.normalize(f.as_object(order, "order"))
        return result if isinstance(result, Skip) else for_connection(result, connection)
