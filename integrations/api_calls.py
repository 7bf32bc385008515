"""Calling a POS's REST API, the same way for every POS: errors by status, 429s waited out, and
every call counted per provider (`ApiObserver`, wired to `/metrics` by the app).

`PosApi(session, base_url, provider).call(method, path, ...)` returns the decoded JSON and the
response headers (pagination lives there for some POS). The session is injected (one per POS,
owned by the composition root); the base URL is configuration, so tests point it at a fake.

Errors (`integrations.errors`):
- a timeout, a connection error, a 5xx or a 408: `UpstreamUnavailable` (the worker retries);
- a 429: waited out and retried when its `Retry-After` (seconds) is at most `max_wait` and the
  call has retries left, so a short rate limit costs a pause rather than a failed event; a
  longer one (or none said) is `UpstreamUnavailable` carrying `retry_after`;
- 401 and 403: `NotConnected` (credentials refused, expired or short of a scope);
- any other 4xx: `UpstreamRejected`; a 2xx that is not JSON: `UpstreamUnavailable`.
Messages name the POS, method, path and status, never a token, a secret or a body.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

import aiohttp
from multidict import CIMultiDict

from integrations.errors import NotConnected, UpstreamRejected, UpstreamUnavailable

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
MAX_WAIT_SECONDS = 5.0
RATE_LIMIT_RETRIES = 2


class ApiObserver(Protocol):
    """Per-POS counters (`app.webhook_metrics.WebhookMetrics` implements it)."""

    def api_error(self, provider: str, kind: str) -> None:
        """A failed call: `unavailable`, `not_connected`, `rejected` or `rate_limited`."""
        ...

    def fetched(self, provider: str, orders: int) -> None:
        """Orders read from the POS's API (a fetch, a reconciliation page)."""
        ...


class _Unobserved:
    def api_error(self, provider: str, kind: str) -> None:
        pass

    def fetched(self, provider: str, orders: int) -> None:
        pass


@dataclass(frozen=True, slots=True)
class Answer:
    body: object
    """The decoded JSON (numbers with a fraction as `Decimal` when asked)."""
    headers: CIMultiDict[str]
    """Case-insensitive, every value of a repeated header kept (`getall("Link")`)."""


class PosApi:
    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        provider: str,
        *,
        label: str | None = None,
        observer: ApiObserver | None = None,
        timeout: float = TIMEOUT_SECONDS,
        max_wait: float = MAX_WAIT_SECONDS,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self.provider = provider
        self._label = label or provider.title()
        self.observer: ApiObserver = observer or _Unobserved()
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._max_wait = max_wait
        self._sleep = sleep

    async def call(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        json_body: object = None,
        params: Mapping[str, str] | None = None,
        decimals: bool = False,
    ) -> Answer:
        """One API call; `decimals` reads JSON numbers with a fraction as `Decimal`."""
        what = f"{self._label} {method} {path}"
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            status, raw, answer_headers = await self._send(method, path, headers, json_body, params)
            if status != 429:
                break
            self.observer.api_error(self.provider, "rate_limited")
            wait = _seconds(answer_headers.get("Retry-After"))
            if wait is None or wait > self._max_wait or attempt == RATE_LIMIT_RETRIES:
                raise UpstreamUnavailable(f"{what} is rate limited", retry_after=wait)
            log.info("%s is rate limited; retrying in %.1f s", what, wait)
            await self._sleep(wait)
        if 200 <= status < 300:
            try:
                body = json.loads(raw, parse_float=Decimal) if decimals else json.loads(raw)
            except (UnicodeDecodeError, ValueError, RecursionError):
                self.observer.api_error(self.provider, "unavailable")
                raise UpstreamUnavailable(f"{what} answered {status} without JSON") from None
            return Answer(body, answer_headers)
        if status >= 500 or status == 408:
            self.observer.api_error(self.provider, "unavailable")
            raise UpstreamUnavailable(f"{what} answered {status}")
        if status in (401, 403):
            self.observer.api_error(self.provider, "not_connected")
            raise NotConnected(f"{what} refused the credentials ({status})")
        self.observer.api_error(self.provider, "rejected")
        raise UpstreamRejected(f"{what} answered {status}", status=status)

    async def _send(
        self,
        method: str,
        path: str,
        headers: Mapping[str, str] | None,
        json_body: object,
        params: Mapping[str, str] | None,
    ) -> tuple[int, bytes, CIMultiDict[str]]:
        try:
            async with self._session.request(
                method,
                self._base_url + path,
                json=json_body,
                params=params,
                headers={"Accept": "application/json", **(headers or {})},
                timeout=self._timeout,
            ) as response:
                return response.status, await response.read(), CIMultiDict(response.headers)
        except (TimeoutError, aiohttp.ClientError) as error:
            self.observer.api_error(self.provider, "unavailable")
            log.warning("%s %s %s failed: %s", self._label, method, path, type(error).__name__)
            raise UpstreamUnavailable(
                f"{self._label} {method} {path}: {type(error).__name__}"
            ) from None


def _seconds(retry_after: str | None) -> float | None:
    """`Retry-After` in delta-seconds; an HTTP-date (or nothing) says nothing we use."""
    if retry_after is None:
        return None
    try:
        seconds = float(retry_after.strip())
    except ValueError:
        return None
    return max(seconds, 0.0)
