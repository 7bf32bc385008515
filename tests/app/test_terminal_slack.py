"""The terminal is trusted (commands.md, Permissions): `managers add|remove` and `summary post`
work from it, reaching the fake Slack as the venue's workspace; without Slack they say what is
needed. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import time

import pytest
from sqlalchemy import select

from app.config import Settings
from app.venue_session import open_session
from bot.commands.session import run
from engine.usecases import settings as venue_settings
from storage.database import Database
from storage.tables import slack_managers
from tests.app.slack_world import sold_tonight
from tests.engine.usecases_world import ACTOR, bar, make_world
from tests.fakes.slack import FakeSlack

SUMMARY_CHANNEL = "C0SUMMARY"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        fake.add_channel(SUMMARY_CHANNEL, "bar-summary")
        fake.add_user("U0MANAGER", "mo")
        yield fake


def slack_env(database_url: str, slack: FakeSlack) -> Settings:
    return Settings.from_env(
        {
            "DATABASE_URL": database_url,
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": "secret",
            "SLACK_API_URL": slack.api_url,
        }
    )


async def test_managers_add_and_remove_from_the_terminal(
    database: Database, database_url: str, slack: FakeSlack
) -> None:
    await bar(await make_world(database))
    opened, ctx = await open_session(slack_env(database_url, slack), "downtown", "sam")
    try:
        added = await run("managers add U0MANAGER", ctx)
        assert added.ok, added.summary
        assert added.summary == "U0MANAGER is now a manager of Downtown."
        history = await run("history 1", ctx)
        assert history.data["changes"][0]["actor"] == "terminal:sam"  # type: ignore[index]
        removed = await run("managers remove U0MANAGER", ctx)
        assert removed.ok and "no longer a manager" in removed.summary
    finally:
        await opened.close()
    async with database.engine.connect() as connection:
        assert (await connection.execute(select(slack_managers))).all() == []
    assert slack.calls_to("auth.test")  # the workspace is the bot token's
    assert {c.method for c in slack.calls} <= {"auth.test"}


async def test_summary_post_from_the_terminal_posts_to_the_summary_channel(
    database: Database, database_url: str, slack: FakeSlack
) -> None:
    world = await bar(await make_world(database))
    await sold_tonight(world)
    await venue_settings.schedule_summary(
        database.unit_of_work,
        world.clock,
        world.venue,
        at=time(9, 0),
        channel=SUMMARY_CHANNEL,
        actor=ACTOR,
    )
    opened, ctx = await open_session(slack_env(database_url, slack), "downtown", "sam")
    try:
        posted = await run("summary post 2026-11-21", ctx)
    finally:
        await opened.close()

    assert posted.ok, posted.summary
    assert posted.summary == f"Posted the summary of 2026-11-21 to channel {SUMMARY_CHANNEL}."
    [message] = slack.messages[SUMMARY_CHANNEL]
    assert "2026-11-21" in message["text"]


async def test_without_slack_the_terminal_says_what_is_needed(
    database: Database, database_url: str
) -> None:
    await bar(await make_world(database))
    settings = Settings.from_env({"DATABASE_URL": database_url})
    opened, ctx = await open_session(settings, "downtown", "sam")
    try:
        refused = await run("managers add U0MANAGER", ctx)
        channel = await run("alerts C0ALERTS", ctx)
    finally:
        await opened.close()
    assert not refused.ok and refused.summary == "managers add needs Slack, which is off here"
    assert "SLACK_BOT_TOKEN" in str(refused.data["hint"])
    assert channel.ok  # a channel given by its id needs no Slack
