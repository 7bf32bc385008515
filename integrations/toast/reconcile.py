"""`ToastPoller`: Toast's side of reconciliation (`integrations.polling.Reconciler`).

Toast retries a webhook twice (5 and 10 minutes later) and then gives up, so the poller asks
`ordersBulk` for each bound restaurant's orders *modified* in the window, page by page, and each
order is normalised as a webhook's would be. The machine client's token is shared with the
binder (`ClientCredentialsTokens`); a 401 forgets it so the next run logs in again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime

from engine.connections import PosConnection
from integrations.client_credentials import ClientCredentialsTokens
from integrations.errors import NotConnected
from integrations.provider import Booked, Skip
from integrations.toast import fields as f
from integrations.toast.client import ToastClient
from integrations.toast.normalize import PROVIDER, normalize_order

MAX_PAGES = 1_000  # 100,000 orders in one window: a loop that never ends is a bug, not a bar


class ToastPoller:
    def __init__(
        self,
        client: ToastClient,
        tokens: ClientCredentialsTokens,
        venue_currency: Callable[[int], Awaitable[str]],
    ) -> None:
        self._client = client
        self._tokens = tokens
        self._currency = venue_currency

    @property
    def provider(self) -> str:
        return PROVIDER

    async def orders(
        self, connection: PosConnection, since: datetime, until: datetime
    ) -> AsyncIterator[object]:
        token = await self._tokens.token()
        page: int | None = 1
        for _ in range(MAX_PAGES):
            if page is None:
                return
            try:
                result = await self._client.orders_bulk(
                    token, connection.merchant_id, since, until, page
                )
            except NotConnected:
                self._tokens.forget(token)
                raise
            for order in result.orders:
                yield order
            page = result.next_page if result.next_page and result.next_page > page else None

    async def documents(self, connection: PosConnection, order: object) -> Sequence[Booked] | Skip:
        currency = await self._currency(connection.venue_id)
        result = normalize_order(f.as_object(order, "order"), currency)
        return result if isinstance(result, Skip) else result.booked
