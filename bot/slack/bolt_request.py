"""Bolt mounted on our own aiohttp app, and a fix for Bolt's form parser.

`slack_bolt.adapter.aiohttp` has only two converters and no handler class; Bolt's own server wants
its own `web.Application` (slack-platform.md §1.2). So `mount` adds one route, `POST /slack/events`,
which serves slash commands, interactivity and events alike: request in, `async_dispatch`,
response out. The body reaches Bolt as the exact text Slack signed; no middleware may re-encode it.

The parser bug (§3.2, slack_bolt 1.30 and upstream): `parse_body` looks for the substring
"payload" anywhere in a form body and, finding no `payload=` field, parses the whole request as
`{}`. `/barback map "payload drink" = ...` then matches no listener and Slack shows a 404.
`SafeAsyncBoltRequest` re-parses such a form, and keeps doing so in the copies Bolt makes for lazy
listeners (`to_copyable`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response as _bolt_to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

__all__ = [
    "SLACK_EVENTS_PATH",
    "SafeAsyncBoltRequest",
    "mount",
    "to_aiohttp_response",
    "to_bolt_request",
]

SLACK_EVENTS_PATH = "/slack/events"


class SafeAsyncBoltRequest(AsyncBoltRequest):
    """An `AsyncBoltRequest` that reads a slash command mentioning "payload" correctly."""

    def __init__(
        self,
        *,
        body: str | dict[str, Any],
        query: str | dict[str, str] | dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        context: dict[str, Any] | None = None,
        mode: str = "http",
    ) -> None:
        super().__init__(body=body, query=query, headers=headers, context=context, mode=mode)
        if mode == "http" and not self.body and self.raw_body and not self.raw_body.startswith("{"):
            form = dict(parse_qsl(self.raw_body, keep_blank_values=True))
            if "payload" not in form:
                self.body = form
                self.context = build_async_context(self.context, self.body)

    def to_copyable(self) -> SafeAsyncBoltRequest:
        body: str | dict[str, Any] = self.raw_body if self.mode == "http" else self.body
        context: AsyncBoltContext = self.context.to_copyable()
        return SafeAsyncBoltRequest(
            body=body, query=self.query, headers=self.headers, context=context, mode=self.mode
        )


async def to_bolt_request(request: web.Request) -> SafeAsyncBoltRequest:
    """The aiohttp request as Bolt's, body as the raw text Slack signed."""
    return SafeAsyncBoltRequest(
        body=await request.text(),
        query=request.query_string,
        headers={name: request.headers.getall(name) for name in request.headers},
    )


async def to_aiohttp_response(bolt_response: BoltResponse) -> web.Response:
    """Bolt's response as aiohttp's (status, body, content type, headers, cookies)."""
    return await _bolt_to_aiohttp_response(bolt_response)


def mount(
    app: web.Application,
    bolt_app: AsyncApp | Callable[[], AsyncApp],
    path: str = SLACK_EVENTS_PATH,
) -> None:
    """Serve `bolt_app` at `POST path` of `app`: the one Request URL entered for Slash Commands,
    Interactivity and Event Subscriptions in the Slack app's configuration.

    `bolt_app` may be a function returning it, for a Bolt app built at startup (its stores need
    the database, which opens then) while routes must be added before."""
    get_bolt = bolt_app if not isinstance(bolt_app, AsyncApp) else lambda: bolt_app

    async def slack_events(request: web.Request) -> web.Response:
        bolt_response = await get_bolt().async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    app.router.add_post(path, slack_events)
