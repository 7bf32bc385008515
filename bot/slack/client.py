"""The Slack Web API client: one `AsyncWebClient`, pointed at Slack (or a local fake), with retries.

slack_sdk retries only connection errors by default (slack-platform.md §4.4). Slack answers a burst
with HTTP 429 and `Retry-After`; `chat.postMessage` allows about one message per second per channel,
so a daily summary and an alert landing together can meet it. The rate-limit handler sleeps
`Retry-After` (+ jitter) and tries again; the server-error handler backs off on 500/503.

Bolt builds a fresh client per request but copies `base_url` and `retry_handlers` from the client
it was given (§1.1), so this is configured once, on the client handed to `AsyncApp(client=...)`.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

__all__ = ["SLACK_API_URL", "build_web_client", "retry_handlers", "web_api_base_url"]

SLACK_API_URL = "https://slack.com/api/"


def web_api_base_url(api_url: str | None) -> str:
    """The base URL slack_sdk joins method names to: Slack's unless `api_url` (SLACK_API_URL,
    e.g. a fake's `http://127.0.0.1:8123/api`) says otherwise. `urljoin` needs the final slash."""
    if not api_url:
        return SLACK_API_URL
    return api_url if api_url.endswith("/") else api_url + "/"


def retry_handlers(
    *, rate_limited: int = 2, server_error: int = 1, connection_error: int = 1
) -> list[AsyncRetryHandler]:
    """Fresh handler instances (they hold no state between calls, but Bolt copies the list)."""
    return [
        AsyncConnectionErrorRetryHandler(max_retry_count=connection_error),
        AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limited),
        AsyncServerErrorRetryHandler(max_retry_count=server_error),
    ]


def build_web_client(
    token: str | None,
    *,
    api_url: str | None = None,
    timeout: int = 30,
    session: aiohttp.ClientSession | None = None,
) -> AsyncWebClient:
    """The client for `AsyncApp(client=...)` and for the alert/summary dispatcher.

    `token` is the bot token in single-workspace mode; None with OAuth (Bolt sets the installed
    workspace's token per request). A shared `session` is the caller's to close.
    """
    return AsyncWebClient(
        token=token,
        base_url=web_api_base_url(api_url),
        timeout=timeout,
        session=session,
        retry_handlers=retry_handlers(),
    )
