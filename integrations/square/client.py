"""Square's REST API, read-only (rule 3), through an injected `aiohttp.ClientSession`.

The base URL is configuration (`SQUARE_BASE_URL`: production, sandbox, or a local fake); every
call pins `Square-Version` so a change of the app's default version in Square's console cannot
change what we parse. Orders come back as decoded JSON for `normalize.py`; account answers as
`accounts` values.

Errors: a timeout, a connection error, a 5xx, a 408 or a 429 is `UpstreamUnavailable` (retry;
`retry_after` from a 429's `Retry-After` seconds); 401 and 403 are `NotConnected` (the token is
expired, revoked or lacks a scope: reconnect); any other 4xx is `UpstreamRejected`; a 2xx that is
not JSON is `UpstreamUnavailable`, one that is JSON of the wrong shape `BadPayload`. Tokens,
codes and secrets travel in headers and bodies only, and are never logged or put in a message.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import aiohttp

from engine import bounds
from engine.errors import InvalidInput
from integrations.api_calls import ApiObserver
from integrations.errors import BadPayload, NotConnected, UpstreamRejected, UpstreamUnavailable
from integrations.square import fields as f
from integrations.square.accounts import (
    Location,
    Merchant,
    Token,
    locations_from,
    merchant_from,
    token_from,
)

SQUARE_VERSION = "2025-07-16"
PRODUCTION_URL = "https://connect.squareup.com"
SANDBOX_URL = "https://connect.squareupsandbox.com"
TIMEOUT_SECONDS = 10.0
MAX_BATCH = 100  # BatchRetrieveOrders takes at most 100 order ids.
MAX_LOCATIONS = 10  # SearchOrders takes at most 10 location ids.
SEARCH_LIMIT = 500  # SearchOrders' default page; its maximum is 1000.

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CatalogPage:
    objects: tuple[f.JsonObject, ...]
    cursor: str | None
    """Pass back to `list_catalog` for the next page; None on the last page."""


CATALOG_TYPES = "ITEM,MODIFIER_LIST,CATEGORY"


@dataclass(frozen=True, slots=True)
class OrdersPage:
    orders: tuple[f.JsonObject, ...]
    cursor: str | None
    """Pass back to `search_orders` for the next page; None on the last page."""


class SquareClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        square_version: str = SQUARE_VERSION,
        observer: ApiObserver | None = None,
    ) -> None:
        """`observer` counts orders fetched and failed calls per provider (`/metrics`)."""
        self._observer = observer
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._version = square_version

    async def batch_retrieve_orders(
        self, access_token: str, location_id: str | None, order_ids: Sequence[str]
    ) -> list[f.JsonObject]:
        """`POST /v2/orders/batch-retrieve`: the orders found (unknown ids are simply absent)."""
        if not order_ids or len(order_ids) > MAX_BATCH:
            raise ValueError(f"batch-retrieve takes 1 to {MAX_BATCH} order ids")
        body: dict[str, object] = {"order_ids": list(order_ids)}
        if location_id is not None:
            body["location_id"] = location_id
        answer = await self._call("POST", "/v2/orders/batch-retrieve", access_token, body)
        orders = [order for _, order in f.objects(answer, "orders", "batch-retrieve response")]
        self._fetched(len(orders))
        return orders

    async def search_orders(
        self,
        access_token: str,
        location_ids: Sequence[str],
        updated_since: datetime,
        cursor: str | None = None,
        *,
        updated_until: datetime | None = None,
        limit: int = SEARCH_LIMIT,
    ) -> OrdersPage:
        """`POST /v2/orders/search`: COMPLETED orders updated at or after `updated_since`, oldest
        update first. Square requires the sort field to be the filtered one (UPDATED_AT) and the
        same query on every page; `updated_at` catches returns and late offline orders too."""
        if not location_ids or len(location_ids) > MAX_LOCATIONS:
            raise ValueError(f"search takes 1 to {MAX_LOCATIONS} location ids")
        window = {"start_at": _rfc3339(updated_since)}
        if updated_until is not None:
            window["end_at"] = _rfc3339(updated_until)
        body: dict[str, object] = {
            "location_ids": list(location_ids),
            "query": {
                "filter": {
                    "state_filter": {"states": ["COMPLETED"]},
                    "date_time_filter": {"updated_at": window},
                },
                "sort": {"sort_field": "UPDATED_AT", "sort_order": "ASC"},
            },
            "limit": limit,
            "return_entries": False,
        }
        if cursor:
            body["cursor"] = cursor
        answer = await self._call("POST", "/v2/orders/search", access_token, body)
        orders = f.objects(answer, "orders", "search response")
        self._fetched(len(orders))
        return OrdersPage(
            orders=tuple(order for _, order in orders),
            cursor=f.opt_text(answer, "cursor", "search response") or None,
        )

    async def list_catalog(self, access_token: str, cursor: str | None = None) -> CatalogPage:
        """`GET /v2/catalog/list` (ITEMS_READ): one page of the merchant's items (with their
        variations and modifier lists), modifier lists (with their modifiers) and categories.
        Read-only; deleted objects are not listed."""
        query = {"types": CATALOG_TYPES}
        if cursor:
            query["cursor"] = cursor
        path = "/v2/catalog/list?" + urlencode(query)
        answer = await self._call("GET", path, access_token, None)
        objects = f.objects(answer, "objects", "catalog list response")
        return CatalogPage(
            objects=tuple(o for _, o in objects),
            cursor=f.opt_text(answer, "cursor", "catalog list response") or None,
        )

    async def obtain_token(
        self, code: str, client_id: str, client_secret: str, redirect_uri: str | None
    ) -> Token:
        """`POST /oauth2/token`, `authorization_code` grant: the code from the OAuth callback."""
        body: dict[str, object] = {
            "client_id": client_id,
            "client_secret": client_secret,
            "grant_type": "authorization_code",
            "code": code,
        }
        if redirect_uri is not None:
            body["redirect_uri"] = redirect_uri
        return token_from(await self._call("POST", "/oauth2/token", None, body))

    async def refresh_token(self, refresh_token: str, client_id: str, client_secret: str) -> Token:
        """`POST /oauth2/token`, `refresh_token` grant: a new access token (same refresh token
        in the code flow, so a missing one in the answer keeps the old one)."""
        body: dict[str, object] = {
            "client_id": client_id,
            "client_secret": client_secret,
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
        }
        token = token_from(await self._call("POST", "/oauth2/token", None, body))
        if token.refresh_token is None:
            return replace(token, refresh_token=refresh_token)
        return token

    async def list_locations(self, access_token: str) -> list[Location]:
        """`GET /v2/locations` (MERCHANT_PROFILE_READ); also how Square says to check a token."""
        return locations_from(await self._call("GET", "/v2/locations", access_token, None))

    async def retrieve_merchant(self, access_token: str) -> Merchant:
        """`GET /v2/merchants/me`: the merchant the token belongs to."""
        return merchant_from(await self._call("GET", "/v2/merchants/me", access_token, None))

    def _fetched(self, orders: int) -> None:
        if self._observer is not None and orders:
            self._observer.fetched("square", orders)

    def _failed(self, kind: str) -> None:
        if self._observer is not None:
            self._observer.api_error("square", kind)

    async def _call(
        self, method: str, path: str, access_token: str | None, body: dict[str, object] | None
    ) -> f.JsonObject:
        headers = {"Square-Version": self._version, "Accept": "application/json"}
        if access_token is not None:
            headers["Authorization"] = f"Bearer {access_token}"
        what = f"Square {method} {path}"
        try:
            async with self._session.request(
                method, self._base_url + path, json=body, headers=headers, timeout=self._timeout
            ) as response:
                status = response.status
                raw = await response.read()
                retry_after = response.headers.get("Retry-After")
        except (TimeoutError, aiohttp.ClientError) as error:
            log.warning("%s failed: %s", what, type(error).__name__)
            self._failed("unavailable")
            # `barback events` shows this reason to people: words, not a class name.
            raise UpstreamUnavailable(f"{what}: {_unreachable(error)}") from None
        log.debug("%s -> %s", what, status)
        if 200 <= status < 300:
            try:
                return f.as_object(bounds.loads(raw, f"{path} response"), f"{path} response")
            except bounds.NotJson:
                self._failed("unavailable")
                raise UpstreamUnavailable(f"{what} answered {status} without JSON") from None
            except InvalidInput as bad:  # deep nesting, a 5,000-digit number: the same each time
                raise BadPayload(str(bad)) from None
        detail = _detail(raw)
        if status == 429:
            self._failed("rate_limited")
            seconds = _seconds(retry_after)
            raise UpstreamUnavailable(f"{what} is rate limited{detail}", retry_after=seconds)
        if status >= 500 or status == 408:
            self._failed("unavailable")
            raise UpstreamUnavailable(f"{what} answered {status}{detail}")
        if status in (401, 403) or (path == "/oauth2/token" and status == 400):
            self._failed("not_connected")
            raise NotConnected(f"{what} refused the credentials ({status}{detail})")
        self._failed("rejected")
        raise UpstreamRejected(f"{what} answered {status}{detail}", status=status)


def _detail(raw: bytes) -> str:
    """`: CODE` from Square's error body (`{"errors": [{"code": ...}]}`); codes hold no secrets,
    and free-text `detail` is left out because it may echo what we sent."""
    try:
        body: Any = bounds.loads(raw)
        codes = [str(error["code"]) for error in body["errors"] if "code" in error]
    except (InvalidInput, TypeError, KeyError):
        return ""
    return f": {', '.join(codes)}" if codes else ""


def _seconds(retry_after: str | None) -> float | None:
    """`Retry-After` in delta-seconds; an HTTP-date (or nothing) says nothing we use."""
    if retry_after is None:
        return None
    try:
        seconds = float(retry_after.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)


def _rfc3339(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("search times must be timezone-aware")
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _unreachable(error: BaseException) -> str:
    if isinstance(error, TimeoutError | aiohttp.ServerTimeoutError):
        return "no answer in time"
    if isinstance(error, aiohttp.ClientConnectorError):
        return "could not connect"
    if isinstance(error, aiohttp.ServerDisconnectedError | aiohttp.ClientOSError):
        return "the connection broke"
    return "the request failed"
