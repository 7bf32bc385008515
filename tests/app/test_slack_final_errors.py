"""Errors Slack calls final stop the retries at once, say why in the row, and are logged once;
errors a retry may fix are still retried. On SQLite and PostgreSQL, through the fake Slack."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.errors import FINAL_ERRORS, NOT_INSTALLED
from bot.slack.notify import SlackNotifier
from bot.slack.summary import SummaryScheduler
from engine.alerts import OutboxState
from engine.summary import SUMMARY_JOB, RunPhase
from engine.usecases import ledger, settings
from engine.venue import VenueId
from storage.database import Database
from storage.job_runs import SqlJobRuns
from storage.outbox import SqlOutbox
from tests.app.alerts_world import ALERTS, AlertWorld, alert_world, client, slack
from tests.engine.usecases_world import ACTOR, q
from tests.fakes.slack import FakeSlack

__all__ = ["client", "slack"]  # fixtures

SATURDAY = date(2026, 11, 21)  # the business day with the sales
SUNDAY_10AM = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)  # its summary is due


@pytest.fixture
async def aw(database: Database, slack: FakeSlack, client: AsyncWebClient) -> AlertWorld:
    w = await alert_world(database, slack, client)
    w.world.clock.advance(minutes=1)
    await ledger.record_count(
        database.unit_of_work, w.world.clock, w.world.venue, product="tito", amount=q("2.01"),
        actor=ACTOR,
    )  # fmt: skip
    await w.sell("R1", ("sq-titos", "Tito's Shot", "1", ""))  # Tito's crosses its reorder point
    return w


def records(caplog: pytest.LogCaptureFixture, logger: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == logger and r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "code", ["invalid_auth", "account_inactive", "token_revoked", "msg_blocks_too_long"]
)
async def test_a_final_answer_fails_the_alert_at_once_and_says_so_once(
    aw: AlertWorld, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    assert code in FINAL_ERRORS
    aw.slack.fail("chat.postMessage", code, times=50)
    done = await aw.notifier.drain()
    assert len(done.failed) == 1 and not done.sent
    [row] = await SqlOutbox(aw.db.engine).list()
    assert (row.state, row.attempts) == (OutboxState.FAILED, 1)
    assert row.last_error == f"Slack answered 200: {code} (final)"
    for _ in range(5):  # hours later: nothing is due any more
        aw.world.clock.advance(hours=2)
        await aw.notifier.drain()
    assert len(aw.slack.calls_to("chat.postMessage")) == 1
    [logged] = records(caplog, "bot.slack.notify")
    assert logged.levelno == logging.ERROR and code in logged.getMessage()
    assert "not retried" in logged.getMessage()


async def test_an_answer_a_retry_may_fix_is_retried(aw: AlertWorld) -> None:
    aw.slack.fail("chat.postMessage", "not_in_channel")  # inviting the bot fixes it
    await aw.notifier.drain()
    [row] = await SqlOutbox(aw.db.engine).list()
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert row.last_error == "Slack answered 200: not_in_channel"
    aw.world.clock.advance(seconds=6)
    await aw.notifier.drain()
    [row] = await SqlOutbox(aw.db.engine).list()
    assert row.state is OutboxState.SENT and len(aw.posted()) == 1


async def test_a_venue_whose_workspace_is_gone_fails_at_once(aw: AlertWorld) -> None:
    async def uninstalled(_venue: VenueId) -> None:
        return None

    notifier = SlackNotifier(SqlOutbox(aw.db.engine), uninstalled, aw.world.clock.now)
    await notifier.drain()
    [row] = await SqlOutbox(aw.db.engine).list()
    assert (row.state, row.attempts, row.last_error) == (OutboxState.FAILED, 1, NOT_INSTALLED)
    assert aw.slack.calls_to("chat.postMessage") == []


async def scheduled(aw: AlertWorld, client_for: Any) -> SummaryScheduler:
    w = aw.world
    await settings.schedule_summary(
        w.db.unit_of_work, w.clock, w.venue, at=time(9, 0), channel=ALERTS, actor=ACTOR
    )
    w.clock.at = SUNDAY_10AM

    async def render(_spec: object) -> bytes:
        return b"\x89PNG"

    runs = SqlJobRuns(w.db.engine)
    return SummaryScheduler(w.db.unit_of_work, runs, client_for, w.clock, render=render)


async def test_a_final_answer_ends_the_summary_run_instead_of_retrying_all_day(
    aw: AlertWorld, client: AsyncWebClient, caplog: pytest.LogCaptureFixture
) -> None:
    async def client_for(_venue: VenueId) -> AsyncWebClient:
        return client

    scheduler = await scheduled(aw, client_for)
    aw.slack.fail("chat.postMessage", "token_revoked", times=50)
    assert await scheduler.run_once() != []  # finished: given up
    for _ in range(10):
        aw.world.clock.advance(minutes=30)
        await scheduler.run_once()
    assert len(aw.slack.calls_to("chat.postMessage")) == 1
    async with aw.db.unit_of_work() as uow:
        venue = await uow.venues.get(aw.world.venue)
    run = await SqlJobRuns(aw.db.engine).get(SUMMARY_JOB, venue.id, SATURDAY)
    assert run is not None and run.phase is RunPhase.DONE
    assert run.note == "not posted: Slack answered 200: token_revoked (final)"
    [logged] = records(caplog, "bot.slack.summary")
    assert "token_revoked" in logged.getMessage()


async def test_a_summary_for_a_workspace_that_is_gone_is_not_retried(aw: AlertWorld) -> None:
    calls = 0

    async def uninstalled(_venue: VenueId) -> None:
        nonlocal calls
        calls += 1

    scheduler = await scheduled(aw, uninstalled)
    await scheduler.run_once()
    aw.world.clock.advance(minutes=30)
    await scheduler.run_once()
    assert calls == 1
