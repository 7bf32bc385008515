"""Shopify's Admin REST API, read-only except for webhook subscriptions, through the shared
`PosApi` (an injected aiohttp session; errors by status, short 429s waited out, calls counted
per POS in `/metrics`).

Each shop has its own host (`https://<shop>`); `base_url` is a template in which `{shop}` stands for
the shop's domain (`shops.admin_base`), so tests point it at a local fake. Every call pins
`API_VERSION` so a change of the shop's default version cannot change what we parse, and sends the
token in `X-Shopify-Access-Token`.

REST, not GraphQL: webhooks deliver the REST `Order` resource, so the orders API in the same shape
lets one normaliser read both, and what reconciliation books is byte-for-byte what a webhook would
have booked. (Shopify calls REST "legacy" and asks new App Store listings to use GraphQL; the
calls are all in this module, so moving is one module and a second parser.)

Errors are `PosApi`'s (`integrations/api_calls.py`: 5xx, timeouts and long 429s unavailable,
401/403 not connected, other 4xx rejected; Shopify's REST bucket says `Retry-After: 2.0`, which
is waited out), and two of Shopify's own: a refused code or refresh token (the token endpoint's
400) and a frozen shop (402, unpaid) are `NotConnected`: only a manager can fix either. Tokens,
codes and secrets travel in headers and bodies only, and are never logged or put in a message.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import aiohttp

from integrations.api_calls import TIMEOUT_SECONDS, Answer, ApiObserver, PosApi
from integrations.errors import NotConnected, UpstreamRejected
from integrations.shopify import fields as f
from integrations.shopify.accounts import (
    Location,
    Subscription,
    Token,
    locations_from,
    subscriptions_from,
    token_from,
)
from integrations.shopify.refunds import PROVIDER
from integrations.shopify.shops import DEFAULT_BASE_URL, admin_base

API_VERSION = "2026-10"
PAGE_LIMIT = 250  # the orders endpoint's maximum page
TOKEN_PATH = "/admin/oauth/access_token"
_MAX_PAGE_INFO = 2_048

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class OrdersPage:
    orders: tuple[f.JsonObject, ...]
    next_page: str | None
    """The `page_info` cursor of the next page (from the `Link` header); None on the last."""


class ShopifyClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str = DEFAULT_BASE_URL,
        *,
        observer: ApiObserver | None = None,
        timeout: float = TIMEOUT_SECONDS,
        api_version: str = API_VERSION,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._session = session
        self._base_url = base_url
        self._observer = observer
        self._timeout = timeout
        self._version = api_version
        self._sleep = sleep
        self._apis: dict[str, PosApi] = {}
        """One `PosApi` per shop: its base URL is the shop's own host."""

    @property
    def base_url(self) -> str:
        return self._base_url

    async def exchange_code(
        self, shop: str, client_id: str, client_secret: str, code: str, now: datetime
    ) -> Token:
        """`POST /admin/oauth/access_token` with the callback's code: an offline token, asking
        for the expiring kind (`expiring: 1`; a shop answering without `expires_in` gives a
        non-expiring one, which works as well)."""
        body = {"client_id": client_id, "client_secret": client_secret, "code": code}
        answer = await self._call(shop, "POST", TOKEN_PATH, None, {**body, "expiring": 1})
        return token_from(answer.body, now)

    async def refresh_token(
        self, shop: str, client_id: str, client_secret: str, refresh_token: str, now: datetime
    ) -> Token:
        """`POST /admin/oauth/access_token`, `refresh_token` grant: a new access token and a new
        refresh token (the old one stops working once the new one is used)."""
        body = {
            "client_id": client_id,
            "client_secret": client_secret,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        }
        return token_from((await self._call(shop, "POST", TOKEN_PATH, None, body)).body, now)

    async def locations(self, shop: str, token: str) -> list[Location]:
        """`GET /admin/api/<version>/locations.json` (read_locations)."""
        return locations_from((await self._call(shop, "GET", self._api("locations"), token)).body)

    async def order(self, shop: str, token: str, order_id: str) -> f.JsonObject:
        """`GET /admin/api/<version>/orders/<id>.json`: the order as its webhooks carry it."""
        answer = await self._call(shop, "GET", self._api(f"orders/{int(order_id)}"), token)
        order = f.obj(answer.body, "order", "order response")
        self._fetched(1)
        return order

    async def orders_page(
        self,
        shop: str,
        token: str,
        updated_min: datetime,
        updated_max: datetime,
        page_info: str | None = None,
    ) -> OrdersPage:
        """`GET /admin/api/<version>/orders.json`: orders of any status updated in
        [updated_min, updated_max], a page at a time. Later pages pass only `page_info` and
        `limit`: Shopify refuses the filters beside a cursor (the cursor keeps them)."""
        query: dict[str, str] = {"limit": str(PAGE_LIMIT)}
        if page_info is None:
            query |= {
                "status": "any",
                "updated_at_min": _iso(updated_min),
                "updated_at_max": _iso(updated_max),
            }
        else:
            query["page_info"] = page_info
        answer = await self._call(shop, "GET", self._api("orders"), token, query=query)
        orders = f.objects(answer.body, "orders", "orders response", PAGE_LIMIT)
        self._fetched(len(orders))
        return OrdersPage(tuple(order for _, order in orders), _next_page(answer.link))

    async def subscriptions(self, shop: str, token: str) -> list[Subscription]:
        """`GET /admin/api/<version>/webhooks.json`: the shop's webhook subscriptions for us."""
        answer = await self._call(shop, "GET", self._api("webhooks"), token)
        return subscriptions_from(answer.body)

    async def subscribe(self, shop: str, token: str, topic: str, address: str) -> None:
        """`POST /admin/api/<version>/webhooks.json`: deliver `topic` to `address` as JSON."""
        webhook = {"topic": topic, "address": address, "format": "json"}
        await self._call(shop, "POST", self._api("webhooks"), token, {"webhook": webhook})

    def _fetched(self, orders: int) -> None:
        if self._observer is not None:
            self._observer.fetched(PROVIDER, orders)

    def _api(self, resource: str) -> str:
        return f"/admin/api/{self._version}/{resource}.json"

    def _shop_api(self, shop: str) -> PosApi:
        api = self._apis.get(shop)
        if api is None:
            api = PosApi(
                self._session,
                admin_base(self._base_url, shop),
                PROVIDER,
                label="Shopify",
                observer=self._observer,
                timeout=self._timeout,
                sleep=self._sleep,
            )
            self._apis[shop] = api
        return api

    async def _call(
        self,
        shop: str,
        method: str,
        path: str,
        token: str | None,
        body: Mapping[str, object] | None = None,
        *,
        query: Mapping[str, str] | None = None,
    ) -> _Answer:
        headers = {} if token is None else {"X-Shopify-Access-Token": token}
        try:
            answer: Answer = await self._shop_api(shop).call(
                method, path, headers=headers, json_body=body, params=query
            )
        except UpstreamRejected as refused:
            if refused.status == 402 or (path == TOKEN_PATH and refused.status == 400):
                raise NotConnected(f"Shopify {method} {path} refused ({refused.status})") from None
            raise
        link = ", ".join(answer.headers.getall("Link", []))
        return _Answer(f.as_object(answer.body, f"{path} response"), link or None)


@dataclass(frozen=True, slots=True)
class _Answer:
    body: f.JsonObject
    link: str | None


def _next_page(link: str | None) -> str | None:
    """The `page_info` of the `rel="next"` URL in a `Link` header (RFC 8288), or None."""
    if not link:
        return None
    for part in link.split(","):
        target, _, params = part.partition(";")
        target = target.strip()
        if not (target.startswith("<") and target.endswith(">")):
            continue
        rels = [p.strip() for p in params.split(";")]
        if 'rel="next"' not in rels and "rel=next" not in rels:
            continue
        cursor = parse_qs(urlsplit(target[1:-1]).query).get("page_info", [""])[0]
        if not cursor or len(cursor) > _MAX_PAGE_INFO or not cursor.isprintable():
            return None
        return cursor
    return None


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
