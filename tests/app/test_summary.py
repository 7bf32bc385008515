"""The daily summary: `post_summary` (message + PNG chart in its thread) and the scheduler's
exactly-once rule, with two schedulers at once and after a crash, on SQLite and PostgreSQL.

Business day 2026-11-21 (Saturday, New York) has the sales; the summary is scheduled at 09:00,
so on Sunday 10:00 local (15:00 UTC) that day is due.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.commands.replies import ChartSpec
from bot.slack.summary import RETRY_DELAY, SummaryScheduler, post_summary
from engine.summary import SUMMARY_JOB, RunPhase
from engine.usecases import ingest, settings
from engine.venue import VenueId
from storage.database import Database
from storage.job_runs import SqlJobRuns
from tests.app.alerts_world import client, slack
from tests.engine.usecases_world import ACTOR, World, bar, line, make_world, receipt
from tests.fakes.slack import FakeSlack

__all__ = ["client", "slack"]  # fixtures

CHANNEL = "C0SUMMARY"
DAY = date(2026, 11, 21)
SUNDAY_10AM = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


async def fake_render(spec: ChartSpec) -> bytes:
    return PNG + spec.title.encode()


@pytest.fixture
async def world(database: Database) -> World:
    w = await bar(await make_world(database))
    uow, clock, v = database.unit_of_work, w.clock, w.venue
    await settings.schedule_summary(uow, clock, v, at=time(9, 0), channel=CHANNEL, actor=ACTOR)
    r = receipt(
        "R1",
        clock.advance(minutes=1),
        line("L1", "sq-titos", "Tito's Shot", "3", 2400),
        line("L2", "sq-marg", "Margarita", "1", 1200),
    )
    await ingest.ingest_receipt(uow, clock, v, r)
    clock.at = SUNDAY_10AM
    return w


def scheduler(w: World, web: AsyncWebClient, owner: str) -> SummaryScheduler:
    async def client_for(_venue: VenueId) -> AsyncWebClient:
        return web

    return SummaryScheduler(
        w.db.unit_of_work, SqlJobRuns(w.db.engine), client_for, w.clock,
        render=fake_render, owner=owner,
    )  # fmt: skip


async def test_post_summary_uploads_the_chart_png_in_the_summary_thread(
    world: World, slack: FakeSlack, client: AsyncWebClient
) -> None:
    posted = await post_summary(client, world.db.unit_of_work, world.clock, world.venue)
    assert (posted.channel, posted.day) == (CHANNEL, DAY)
    [message] = slack.messages[CHANNEL]
    assert message["ts"] == posted.ts
    text = str(message["text"]) + str(message["blocks"])
    assert "$36.00" in text  # 3 x $8.00 + $12.00
    assert "Tito's Shot" in text and "Data quality" in text and "last count" not in text
    [upload] = slack.uploads.values()
    assert upload.data is not None and upload.data.startswith(PNG)  # a real matplotlib PNG
    assert (upload.channel_id, upload.thread_ts, upload.completed) == (CHANNEL, posted.ts, True)


async def test_two_schedulers_post_once_per_day(
    world: World, slack: FakeSlack, client: AsyncWebClient
) -> None:
    early = scheduler(world, client, "early")
    world.clock.at = SUNDAY_10AM - timedelta(hours=2)  # 08:00 local: not yet
    assert await early.run_once() == []
    world.clock.at = SUNDAY_10AM
    a, b = scheduler(world, client, "a"), scheduler(world, client, "b")
    results = await asyncio.gather(a.run_once(), b.run_once())
    assert sum(len(r) for r in results) == 1
    assert len(slack.messages[CHANNEL]) == 1 and len(slack.uploads) == 1
    [upload] = slack.uploads.values()
    assert upload.thread_ts == slack.messages[CHANNEL][0]["ts"]
    world.clock.at = SUNDAY_10AM + timedelta(hours=3)  # later that day, and after a restart
    await asyncio.gather(a.run_once(), scheduler(world, client, "c").run_once())
    assert len(slack.messages[CHANNEL]) == 1


async def test_a_crash_before_posting_is_resumed_after_the_lease(
    world: World, slack: FakeSlack, client: AsyncWebClient
) -> None:
    runs = SqlJobRuns(world.db.engine)
    venue = await venue_id(world)
    crashed = await runs.claim_run(SUMMARY_JOB, venue, DAY, "crashed", 600, SUNDAY_10AM)
    assert crashed is not None
    other = scheduler(world, client, "other")
    assert await other.run_once() == []  # the lease still holds
    assert slack.messages[CHANNEL] == []
    world.clock.at = SUNDAY_10AM + timedelta(minutes=11)
    assert len(await other.run_once()) == 1
    assert len(slack.messages[CHANNEL]) == 1
    run = await runs.get(SUMMARY_JOB, venue, DAY)
    assert run is not None and run.phase is RunPhase.DONE and run.attempts == 2


async def test_a_crash_while_posting_is_not_posted_again(
    world: World, slack: FakeSlack, client: AsyncWebClient
) -> None:
    runs = SqlJobRuns(world.db.engine)
    venue = await venue_id(world)
    crashed = await runs.claim_run(SUMMARY_JOB, venue, DAY, "crashed", 600, SUNDAY_10AM)
    assert crashed is not None
    assert await runs.advance(crashed, "crashed", RunPhase.POSTING, SUNDAY_10AM)
    await client.chat_postMessage(channel=CHANNEL, text="the summary, posted before the crash")
    world.clock.at = SUNDAY_10AM + timedelta(minutes=11)
    await scheduler(world, client, "other").run_once()
    assert len(slack.messages[CHANNEL]) == 1  # uncertain (no history scope): not re-posted
    run = await runs.get(SUMMARY_JOB, venue, DAY)
    assert run is not None and run.phase is RunPhase.DONE and "not re-posted" in (run.note or "")


async def test_slack_down_releases_the_run_and_it_is_posted_later(
    world: World, slack: FakeSlack, client: AsyncWebClient
) -> None:
    slack.server_error("chat.postMessage")
    s = scheduler(world, client, "s")
    assert await s.run_once() == []
    assert slack.messages[CHANNEL] == []
    assert await s.run_once() == []  # released until the retry time
    world.clock.at = SUNDAY_10AM + RETRY_DELAY
    assert len(await s.run_once()) == 1
    assert len(slack.messages[CHANNEL]) == 1 and len(slack.uploads) == 1


async def venue_id(world: World) -> VenueId:
    async with world.db.unit_of_work() as uow:
        return (await uow.venues.get(world.venue)).id
