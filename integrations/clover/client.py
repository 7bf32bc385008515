"""Clover's REST API v3 and OAuth v2 token endpoints, read-only, through the shared `PosApi` (an
injected aiohttp session; errors by status, 429s waited out, calls counted per POS) (pos-formats.md
§3.4, §3.6).

The base URL is configuration (`CLOVER_BASE_URL`: `https://api.clover.com`, the EU or LA host,
the sandbox, or a local fake). Orders come back as decoded JSON for `normalize.py`, expanded with
`ORDER_EXPAND`; account answers as `accounts` values. Clover allows 16 requests a second per token
and answers 429 beyond, with `Retry-After` on its concurrency limit: `PosApi` waits a short one
out, so a reconciliation paging through a busy night does not start over.

Errors are `PosApi`'s, and one of Clover's own: a 400 from a token endpoint is `NotConnected` (a
code or a refresh token Clover no longer accepts: connect again), and a 404 is `UpstreamRejected`
with its status, which `provider` reads as "no such order". Tokens, codes and secrets travel in
headers and bodies only and are never logged or put in a message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from multidict import MultiDict

from integrations.api_calls import PosApi
from integrations.clover import fields as f
from integrations.clover.accounts import Merchant, Token, merchant_from, token_from
from integrations.errors import NotConnected, UpstreamRejected

PROVIDER = "clover"
PRODUCTION_URL = "https://api.clover.com"
ORDER_EXPAND = (
    "lineItems,lineItems.modifications,lineItems.discounts,lineItems.taxRates,"
    "discounts,payments,refunds,credits"
)
PAGE_LIMIT = 100  # Clover's default page; at most 1000
TOKEN_PATHS = frozenset({"/oauth/v2/token", "/oauth/v2/refresh"})


class CloverClient:
    def __init__(self, api: PosApi, base_url: str) -> None:
        """`api`: a `PosApi` for `base_url` (the consent page's host is derived from it)."""
        self.api = api
        self.base_url = base_url.rstrip("/")

    async def get_order(self, token: str, merchant_id: str, order_id: str) -> f.JsonObject:
        """`GET /v3/merchants/{mId}/orders/{id}?expand=...`: the order with what booking needs."""
        path = f"/v3/merchants/{_seg(merchant_id)}/orders/{_seg(order_id)}"
        order = await self._call("GET", path, token, params=[("expand", ORDER_EXPAND)])
        self.api.observer.fetched(PROVIDER, 1)
        return order

    async def order_of_payment(self, token: str, merchant_id: str, payment_id: str) -> str | None:
        """`GET /v3/merchants/{mId}/payments/{id}`: the id of the order the payment pays."""
        path = f"/v3/merchants/{_seg(merchant_id)}/payments/{_seg(payment_id)}"
        payment = await self._call("GET", path, token)
        return f.ref(payment, "order", "payment")

    async def list_orders(
        self,
        token: str,
        merchant_id: str,
        modified_since: datetime,
        modified_before: datetime,
        *,
        offset: int = 0,
        limit: int = PAGE_LIMIT,
    ) -> list[f.JsonObject]:
        """`GET /v3/merchants/{mId}/orders` filtered on `modifiedTime` in [since, before), expanded
        like `get_order`, one page (`offset`, `limit`); a page shorter than `limit` is the last."""
        params = [
            ("filter", f"modifiedTime>={f.to_millis(modified_since)}"),
            ("filter", f"modifiedTime<{f.to_millis(modified_before)}"),
            ("expand", ORDER_EXPAND),
            ("limit", str(limit)),
            ("offset", str(offset)),
        ]
        path = f"/v3/merchants/{_seg(merchant_id)}/orders"
        answer = await self._call("GET", path, token, params=params)
        orders = [order for _, order in f.elements({"orders": answer}, "orders", "orders", limit)]
        self.api.observer.fetched(PROVIDER, len(orders))
        return orders

    async def merchant(self, token: str, merchant_id: str) -> Merchant:
        """`GET /v3/merchants/{mId}`: answers only for a token of that merchant."""
        path = f"/v3/merchants/{_seg(merchant_id)}"
        return merchant_from(await self._call("GET", path, token))

    async def obtain_token(self, code: str, client_id: str, client_secret: str) -> Token:
        """`POST /oauth/v2/token`: the authorization code from the OAuth callback."""
        body = {"client_id": client_id, "client_secret": client_secret, "code": code}
        return token_from(await self._call("POST", "/oauth/v2/token", None, body=body))

    async def refresh_token(self, refresh_token: str, client_id: str) -> Token:
        """`POST /oauth/v2/refresh`: a new pair; the refresh token given is spent either way."""
        body = {"client_id": client_id, "refresh_token": refresh_token}
        return token_from(await self._call("POST", "/oauth/v2/refresh", None, body=body))

    async def _call(
        self,
        method: str,
        path: str,
        token: str | None,
        *,
        params: Sequence[tuple[str, str]] = (),
        body: dict[str, str] | None = None,
    ) -> f.JsonObject:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        try:
            answer = await self.api.call(
                method, path, headers=headers, json_body=body, params=MultiDict(params)
            )
        except UpstreamRejected as refused:
            if path in TOKEN_PATHS and refused.status == 400:
                what = f"Clover {method} {path}"
                raise NotConnected(f"{what} refused the credentials (400)") from None
            raise
        return f.as_object(answer.body, f"{path} response")


def _seg(value: str) -> str:
    """A path segment, quoted (ids are checked where they come in; this is belt and braces)."""
    return quote(value, safe="")
