"""A reply's pages on their way to the person who asked: all of them, a few at a time.

A slash command's or a button's response_url takes 5 posts within 30 minutes (slack-platform.md
§3.1), so an answer sends at most `PAGES_AT_ONCE` pages; when more remain and the command only
reads, the last page sent carries a pager: "pages 1-3 of 7" and a More button. The button's value
is the command text and the next page; clicking it runs the command again (a read: harmless, and
as of now) and sends the next pages through the click's own response_url. A command that changes
something is never run again: its pages (one, in practice) are all sent at once, and a page the
response_url refuses goes as an ephemeral message in the channel instead, else as a direct
message. Nothing is dropped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands import grammar
from bot.slack.blocks import SlackMessage
from engine.errors import InvalidInput

__all__ = [
    "MORE_ACTION_ID",
    "PAGES_AT_ONCE",
    "More",
    "Post",
    "poster",
    "read_more",
    "rerunnable",
    "send_pages",
]

logger = logging.getLogger(__name__)

MORE_ACTION_ID = "barback_more"
PAGES_AT_ONCE = 3  # of a response_url's 5 posts: room left for a chart note or an error
MAX_MORE_VALUE = 1_000  # within the pager's room in `bot.slack.pages.PAGER_CHARS`

Post = Callable[[SlackMessage], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class More:
    """A More button's click: run `command` again and send its pages from `page` (0-based)."""

    command: str
    page: int


def rerunnable(text: str) -> str | None:
    """`text` when running it again changes nothing (a read), so its later pages may wait for a
    More click; None otherwise."""
    try:
        command = grammar.parse(text)
    except InvalidInput:
        return None
    return None if command.changes else text


def read_more(value: str | None) -> More | None:
    try:
        raw = json.loads(value or "")
        more = More(str(raw["command"]), int(raw["page"]))
    except (ValueError, KeyError, TypeError):
        return None
    return more if more.page > 0 else None


def _more_value(command: str, page: int) -> str | None:
    value = json.dumps({"command": command, "page": page}, ensure_ascii=False)
    return value if len(value) <= MAX_MORE_VALUE else None


async def send_pages(
    post: Post, pages: Sequence[SlackMessage], *, rerun: str | None, start: int = 0
) -> None:
    """Send `pages[start:]`: every one, or `PAGES_AT_ONCE` and a More button when `rerun` (the
    command text) may run again for the rest."""
    end = len(pages)
    more: str | None = None
    if rerun is not None and start + PAGES_AT_ONCE < len(pages):
        more = _more_value(rerun, start + PAGES_AT_ONCE)
        if more is not None:
            end = start + PAGES_AT_ONCE
    for index in range(start, end):
        message = pages[index]
        if index == end - 1 and more is not None:
            message = _with_pager(message, start + 1, end, len(pages), more)
        await post(message)


def _with_pager(
    message: SlackMessage, first: int, last: int, total: int, more: str
) -> SlackMessage:
    note = f"pages {first}–{last} of {total}: *More* shows the next"
    pager = [
        ContextBlock(elements=[MarkdownTextObject(text=note)]),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text=PlainTextObject(text="More"), action_id=MORE_ACTION_ID, value=more
                )
            ]
        ),
    ]
    blocks = (*message.blocks, *(block.to_dict() for block in pager))
    return SlackMessage(text=message.text, blocks=blocks)


def poster(
    respond: AsyncRespond | None,
    client: AsyncWebClient,
    *,
    channel_id: str | None,
    user_id: str,
) -> Post:
    """Posts ephemerally to `user_id`: through the response_url while it takes posts, else with
    `chat.postEphemeral` in the channel, else as a direct message from the app."""

    async def post(message: SlackMessage) -> None:
        if respond is not None and respond.response_url:
            sent = await respond(
                **message.payload(), response_type="ephemeral", replace_original=False
            )
            if sent.status_code == 200:
                return
            logger.info("response_url refused a page (HTTP %s)", sent.status_code)
        if channel_id is not None:
            try:
                await client.chat_postEphemeral(
                    channel=channel_id, user=user_id, **message.payload()
                )
                return
            except SlackApiError as error:
                logger.info("ephemeral page failed: %s", error.response.get("error"))
        await client.chat_postMessage(channel=user_id, **message.payload())

    return post
