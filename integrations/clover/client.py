"""Clover's REST API v3 and OAuth v2 token endpoints, read-only, through an injected
`aiohttp.ClientSession` (pos-formats.md §3.4, §3.6).

The base URL is configuration (`CLOVER_BASE_URL`: `https://api.clover.com`, the EU or LA host,
the sandbox, or a local fake). Orders come back as decoded JSON for `normalize.py`, expanded with
`ORDER_EXPAND`; account answers as `accounts` values.

Rate limits: Clover allows 16 requests a second per token and answers 429 beyond (with
`Retry-After` on its concurrency limit). A 429 is waited out here, up to `RATE_RETRIES` times when
the wait asked for is at most `MAX_RATE_WAIT` seconds (1 s, then 2 s, when it names none), since a
reconciliation walking many pages would otherwise start over; past that it is
`UpstreamUnavailable` with `retry_after`, and the event is retried later.

Errors: a timeout, a connection error, a 5xx or a 408 is `UpstreamUnavailable`; 401 and 403 are
`NotConnected` (expired or revoked token, missing permission), as is a 400 from a token endpoint (a
code or refresh token Clover no longer accepts); 404 and any other 4xx are `UpstreamRejected`; a 2xx
that is not JSON is `UpstreamUnavailable`, JSON of the wrong shape `BadPayload`. Tokens, codes and
secrets travel in headers and bodies only and are never logged or put in a message; Clover's error
text is left out too, as it may echo what was sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from urllib.parse import quote

import aiohttp

from integrations.clover import fields as f
from integrations.clover.accounts import Merchant, Token, merchant_from, token_from
from integrations.errors import NotConnected, UpstreamRejected, UpstreamUnavailable

PRODUCTION_URL = "https://api.clover.com"
ORDER_EXPAND = (
    "lineItems,lineItems.modifications,lineItems.discounts,lineItems.taxRates,"
    "discounts,payments,refunds,credits"
)
TIMEOUT_SECONDS = 10.0
PAGE_LIMIT = 100  # Clover's default page; at most 1000
RATE_RETRIES = 2
MAX_RATE_WAIT = 5.0
TOKEN_PATHS = frozenset({"/oauth/v2/token", "/oauth/v2/refresh"})

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]


class RateLimited(UpstreamUnavailable):
    """A 429: retryable like any unavailability, and waited out here when the wait is short."""


class CloverClient:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        *,
        timeout: float = TIMEOUT_SECONDS,
        sleep: Sleep = asyncio.sleep,
        on_call: Callable[[str], None] | None = None,
    ) -> None:
        """`on_call(outcome)`: `ok`, `rate_limited` or `error`, once per HTTP answer (metrics)."""
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._sleep = sleep
        self._on_call = on_call

    @property
    def base_url(self) -> str:
        return self._base_url

    async def get_order(self, token: str, merchant_id: str, order_id: str) -> f.JsonObject:
        """`GET /v3/merchants/{mId}/orders/{id}?expand=...`: the order with what booking needs."""
        path = f"/v3/merchants/{_seg(merchant_id)}/orders/{_seg(order_id)}"
        return await self._call("GET", path, token, params=[("expand", ORDER_EXPAND)])

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
        return [order for _, order in f.elements({"orders": answer}, "orders", "orders", limit)]

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
        for attempt in range(RATE_RETRIES + 1):
            try:
                return await self._once(method, path, token, params, body)
            except RateLimited as limited:
                wait = limited.retry_after
                if attempt == RATE_RETRIES:
                    raise
                wait = float(2**attempt) if wait is None else wait
                if wait > MAX_RATE_WAIT:
                    raise
                log.info("Clover %s %s rate limited; waiting %.1f s", method, path, wait)
                await self._sleep(wait)
        raise AssertionError("unreachable")

    async def _once(
        self,
        method: str,
        path: str,
        token: str | None,
        params: Sequence[tuple[str, str]],
        body: dict[str, str] | None,
    ) -> f.JsonObject:
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        what = f"Clover {method} {path}"
        try:
            async with self._session.request(
                method,
                self._base_url + path,
                params=list(params),
                json=body,
                headers=headers,
                timeout=self._timeout,
            ) as response:
                status = response.status
                raw = await response.read()
                retry_after = response.headers.get("Retry-After")
        except (TimeoutError, aiohttp.ClientError) as error:
            self._count("error")
            log.warning("%s failed: %s", what, type(error).__name__)
            raise UpstreamUnavailable(f"{what}: {type(error).__name__}") from None
        log.debug("%s -> %s", what, status)
        if 200 <= status < 300:
            self._count("ok")
            try:
                return f.as_object(json.loads(raw), f"{path} response")
            except (UnicodeDecodeError, json.JSONDecodeError):
                raise UpstreamUnavailable(f"{what} answered {status} without JSON") from None
        if status == 429:
            self._count("rate_limited")
            raise RateLimited(f"{what} is rate limited", retry_after=_seconds(retry_after))
        self._count("error")
        if status >= 500 or status == 408:
            raise UpstreamUnavailable(f"{what} answered {status}")
        if status in (401, 403) or (path in TOKEN_PATHS and status == 400):
            raise NotConnected(f"{what} refused the credentials ({status})")
        raise UpstreamRejected(f"{what} answered {status}", status=status)

    def _count(self, outcome: str) -> None:
        if self._on_call is not None:
            self._on_call(outcome)


def _seg(value: str) -> str:
    """A path segment, quoted (ids are checked where they come in; this is belt and braces)."""
    return quote(value, safe="")


def _seconds(retry_after: str | None) -> float | None:
    """`Retry-After` in delta-seconds; an HTTP-date (or nothing) says nothing we use."""
    if retry_after is None:
        return None
    try:
        seconds = float(retry_after.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)
