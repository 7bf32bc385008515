"""Shopify's Admin REST API, read-only except for webhook subscriptions, through an injected
`aiohttp.ClientSession`.

Each shop has its own host (`https://<shop>`); `base_url` is a template in which `{shop}` stands for
the shop's domain (`shops.admin_base`), so tests point it at a local fake. Every call pins
`API_VERSION` so a change of the shop's default version cannot change what we parse, and sends the
token in `X-Shopify-Access-Token`.

REST, not GraphQL: webhooks deliver the REST `Order` resource, so the orders API in the same shape
lets one normaliser read both, and what reconciliation books is byte-for-byte what a webhook would
have booked. (Shopify calls REST "legacy" and asks new App Store listings to use GraphQL; the
calls are all in this module, so moving is one module and a second parser.)

Rate limits: a 429 is waited out here, `Retry-After` seconds (Shopify's REST bucket leaks 2
requests a second and says `Retry-After: 2.0`), capped at `MAX_WAIT` each and `RATE_WAITS` in a
row; still limited after that is `UpstreamUnavailable` carrying the delay, and the worker's backoff
takes over. The sleep is injected so tests need no wall clock.

Errors: a timeout, a connection error, a 5xx, a 408 or a 429 is `UpstreamUnavailable`; 401, 402
(the shop is frozen for non-payment), 403 and a refused token request are `NotConnected`; any
other 4xx (a 404 for an order Shopify does not show) is `UpstreamRejected`; a 2xx that is not JSON
is `UpstreamUnavailable`, one that is JSON of the wrong shape `BadPayload`. Tokens, codes and
secrets travel in headers and bodies only, and are never logged or put in a message.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import aiohttp

from integrations.errors import NotConnected, UpstreamRejected, UpstreamUnavailable
from integrations.shopify import fields as f
from integrations.shopify.accounts import (
    Location,
    Subscription,
    Token,
    locations_from,
    subscriptions_from,
    token_from,
)
from integrations.shopify.shops import DEFAULT_BASE_URL, admin_base

API_VERSION = "2026-10"
TIMEOUT_SECONDS = 10.0
PAGE_LIMIT = 250  # the orders endpoint's maximum page
RATE_WAITS = 3
MAX_WAIT = 10.0
DEFAULT_WAIT = 2.0  # a 429 without Retry-After: the bucket's refill time for one request
TOKEN_PATH = "/admin/oauth/access_token"
_MAX_PAGE_INFO = 2_048

log = logging.getLogger(__name__)

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
        timeout: float = TIMEOUT_SECONDS,
        api_version: str = API_VERSION,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._session = session
        self._base_url = base_url
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._version = api_version
        self._sleep = sleep

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
        return f.obj(answer.body, "order", "order response")

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
        return OrdersPage(tuple(order for _, order in orders), _next_page(answer.link))

    async def subscriptions(self, shop: str, token: str) -> list[Subscription]:
        """`GET /admin/api/<version>/webhooks.json`: the shop's webhook subscriptions for us."""
        answer = await self._call(shop, "GET", self._api("webhooks"), token)
        return subscriptions_from(answer.body)

    async def subscribe(self, shop: str, token: str, topic: str, address: str) -> None:
        """`POST /admin/api/<version>/webhooks.json`: deliver `topic` to `address` as JSON."""
        webhook = {"topic": topic, "address": address, "format": "json"}
        await self._call(shop, "POST", self._api("webhooks"), token, {"webhook": webhook})

    def _api(self, resource: str) -> str:
        return f"/admin/api/{self._version}/{resource}.json"

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
        waits = 0
        while True:
            answer = await self._once(shop, method, path, token, body, query)
            if answer.status != 429:
                return answer
            wait = DEFAULT_WAIT if answer.retry_after is None else answer.retry_after
            what = f"Shopify {method} {path}"
            if waits >= RATE_WAITS or wait > MAX_WAIT:
                raise UpstreamUnavailable(f"{what} is rate limited", retry_after=wait)
            waits += 1
            log.info("%s is rate limited: waiting %.1f s", what, wait, extra={"shop": shop})
            await self._sleep(wait)

    async def _once(
        self,
        shop: str,
        method: str,
        path: str,
        token: str | None,
        body: Mapping[str, object] | None,
        query: Mapping[str, str] | None,
    ) -> _Answer:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["X-Shopify-Access-Token"] = token
        what = f"Shopify {method} {path}"
        url = admin_base(self._base_url, shop) + path
        try:
            async with self._session.request(
                method, url, json=body, params=query, headers=headers, timeout=self._timeout
            ) as response:
                status = response.status
                raw = await response.read()
                retry_after = response.headers.get("Retry-After")
                link = response.headers.get("Link")
        except (TimeoutError, aiohttp.ClientError) as error:
            log.warning("%s failed: %s", what, type(error).__name__, extra={"shop": shop})
            raise UpstreamUnavailable(f"{what}: {type(error).__name__}") from None
        log.debug("%s -> %s", what, status, extra={"shop": shop})
        if 200 <= status < 300:
            try:
                parsed = f.as_object(json.loads(raw), f"{path} response")
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise UpstreamUnavailable(f"{what} answered {status} without JSON") from None
            return _Answer(status, parsed, None, link)
        if status == 429:
            return _Answer(status, {}, _seconds(retry_after), link)
        if status >= 500 or status == 408:
            raise UpstreamUnavailable(f"{what} answered {status}")
        if status in (401, 402, 403) or (path == TOKEN_PATH and status == 400):
            raise NotConnected(f"{what} refused the credentials ({status}{_oauth_error(raw)})")
        if status == 422 and path.endswith("/webhooks.json") and b"taken" in raw:
            return _Answer(200, {}, None, None)  # subscribed already: what we wanted
        raise UpstreamRejected(f"{what} answered {status}", status=status)


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: f.JsonObject
    retry_after: float | None
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


def _oauth_error(raw: bytes) -> str:
    """`: invalid_request` from an OAuth error body; codes hold no secrets, and free-text
    descriptions are left out because they may echo what we sent."""
    try:
        code = json.loads(raw).get("error")
    except (ValueError, AttributeError):
        return ""
    return f": {code}" if isinstance(code, str) and code.isidentifier() else ""


def _seconds(retry_after: str | None) -> float | None:
    """`Retry-After` in delta-seconds (`2.0`); an HTTP-date (or nothing) says nothing we use."""
    if retry_after is None:
        return None
    try:
        seconds = float(retry_after.strip())
    except ValueError:
        return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _iso(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
