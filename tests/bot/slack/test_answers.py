"""A reply's pages on their way: a few at a time with a More button for a read, all at once for a
change, and never lost when the response_url stops taking posts. Through the fake Slack."""

from __future__ import annotations

import json

from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.replies import Column, Reply, Table
from bot.slack.answers import (
    MORE_ACTION_ID,
    PAGES_AT_ONCE,
    More,
    poster,
    read_more,
    rerunnable,
    send_pages,
)
from bot.slack.blocks import SlackMessage
from bot.slack.pages import render_pages
from tests.fakes.block_kit import assert_message_ok
from tests.fakes.slack import FakeSlack

CHANNEL, USER = "C0BAR", "U0SAM"


def long_reply(rows: int = 1500) -> Reply:
    table = Table("Stock", (Column("Product"), Column("On hand", "right")), ())
    rows_ = tuple((f"Product {n}", f"{n}.5 btl") for n in range(rows))
    return Reply(summary="Stock", tables=(Table(table.title, table.columns, rows_),))


def numbered(count: int) -> list[SlackMessage]:
    """Stand-in pages that say which they are."""
    return [SlackMessage(f"page {n}", ({"type": "divider"},)) for n in range(count)]


async def test_a_long_read_sends_three_pages_then_a_more_button() -> None:
    pages = render_pages(long_reply())
    assert len(pages) > PAGES_AT_ONCE + 1
    sent: list[SlackMessage] = []

    async def post(message: SlackMessage) -> None:
        sent.append(message)

    await send_pages(post, pages, rerun="stock")
    assert [m.text for m in sent[:-1]] == [p.text for p in pages[: PAGES_AT_ONCE - 1]]
    last = sent[-1]
    assert len(sent) == PAGES_AT_ONCE and last.blocks[: len(pages[2].blocks)] == pages[2].blocks
    note, buttons = last.blocks[-2:]
    assert note["elements"][0]["text"].startswith(f"pages 1–3 of {len(pages)}")
    [button] = buttons["elements"]
    assert button["action_id"] == MORE_ACTION_ID
    assert read_more(button["value"]) == More("stock", 3)
    for message in sent:
        assert_message_ok(message.payload())

    sent.clear()
    await send_pages(post, pages, rerun="stock", start=3)  # the click
    assert [m.text for m in sent[: PAGES_AT_ONCE - 1]] == [p.text for p in pages[3:5]]


async def test_the_last_pages_of_a_read_need_no_more_button() -> None:
    pages = numbered(6)
    sent: list[SlackMessage] = []

    async def post(message: SlackMessage) -> None:
        sent.append(message)

    await send_pages(post, pages, rerun="stock", start=len(pages) - 2)
    assert sent == pages[-2:]


async def test_a_change_is_never_run_again_so_all_its_pages_go_at_once() -> None:
    pages = numbered(6)
    sent: list[SlackMessage] = []

    async def post(message: SlackMessage) -> None:
        sent.append(message)

    await send_pages(post, pages, rerun=None)
    assert sent == pages
    assert rerunnable("stock tito") == "stock tito"
    assert rerunnable("count tito 3") is None  # a change
    assert rerunnable("stok") is None  # not a command
    assert read_more(json.dumps({"command": "stock", "page": 0})) is None
    assert read_more("not json") is None


async def test_pages_the_response_url_refuses_go_as_ephemeral_messages(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    url = slack.response_url()
    post = poster(AsyncRespond(response_url=url), client, channel_id=CHANNEL, user_id=USER)
    pages = numbered(7)

    await send_pages(post, pages, rerun=None)

    assert [b["text"] for b in slack.responses_to(url)] == [f"page {n}" for n in range(5)]
    assert [e["text"] for e in slack.ephemerals] == ["page 5", "page 6"]
    assert all(e["channel"] == CHANNEL and e["user"] == USER for e in slack.ephemerals)


async def test_without_a_channel_the_page_is_a_direct_message(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    post = poster(None, client, channel_id=None, user_id=USER)
    await post(SlackMessage("hello", ({"type": "divider"},)))
    [message] = slack.messages[USER]
    assert message["text"] == "hello"
