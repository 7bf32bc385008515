"""Retention: the bodies of booked events are emptied after BARBACK_EVENT_RETENTION (30 days),
by the worker daily and by `barback events prune`; pending and failed events keep theirs."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.config import ConfigError, Settings
from app.pos_parts import PosParts
from app.retention import BodyPruner
from app.webhooks import worker_jobs
from app.worker import InboxWorker
from engine.errors import InvalidInput
from engine.inbox import EventId, EventState, RawEvent
from storage.database import Database, open_database
from storage.inbox import SqlInbox
from storage.inbox_writer import inbox_writer
from storage.tables import webhook_events
from tests.app.test_cli import Barback
from tests.app.test_events_cli import deliver, downtown  # noqa: F401 (a fixture)
from tests.app.webhook_world import closed

NOW = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)
BODY = b'{"receipt": {"customer": "Alice Example"}}'


async def store(database: Database, *keys: str) -> list[EventId]:
    writer = inbox_writer(database)
    await writer.start()
    try:
        return [
            (await writer.submit(RawEvent("generic", key, None, NOW, {"x": "y"}, BODY))).event_id
            for key in keys
        ]
    finally:
        await writer.stop()


async def finish(inbox: SqlInbox, at: datetime, *, fail: bool = False) -> EventId:
    """Claim the next due event and mark it done (or failed for good) at `at`."""
    (event,) = await inbox.claim(1, "w", 30, max(at, NOW))
    if fail:
        await inbox.mark_failed(event.id, "w", "no good", at, final=True)
    else:
        assert await inbox.mark_done(event.id, "w", at)
    return event.id


async def test_only_finished_events_older_than_the_cut_lose_their_bodies(
    database: Database,
) -> None:
    inbox = SqlInbox(database.engine)
    await store(database, "old-done", "old-failed", "new-done", "pending")
    old, new = NOW - timedelta(days=40), NOW - timedelta(days=2)
    old_done = await finish(inbox, old)
    old_failed = await finish(inbox, old, fail=True)
    new_done = await finish(inbox, new)

    assert await inbox.prune_bodies(NOW - timedelta(days=30), NOW) == 1
    assert await inbox.prune_bodies(NOW - timedelta(days=30), NOW) == 0  # twice is harmless

    pruned = await inbox.get(old_done)
    assert (pruned.body, dict(pruned.headers), pruned.pruned_at) == (b"", {}, NOW)
    assert pruned.state is EventState.DONE
    for kept in (old_failed, new_done, EventId(4)):
        event = await inbox.get(kept)
        assert (event.body, event.pruned_at) == (BODY, None)
    with pytest.raises(InvalidInput, match="body pruned on 2026-11-21"):
        await inbox.replay(old_done, NOW)
    await inbox.replay(old_failed, NOW)  # a failed event keeps what a replay needs


async def test_a_prune_goes_in_short_transactions(database: Database) -> None:
    inbox = SqlInbox(database.engine)
    await store(database, *(f"evt-{n}" for n in range(1203)))
    async with database.engine.begin() as connection:
        await connection.execute(
            update(webhook_events).values(state="done", processed_at=NOW - timedelta(days=31))
        )
    assert await inbox.prune_bodies(NOW - timedelta(days=30), NOW) == 1203
    async with database.engine.connect() as connection:
        bodies = set(await connection.scalars(select(webhook_events.c.body)))
    assert bodies == {b""}


async def test_the_daily_prune_runs_once_a_day(database: Database) -> None:
    inbox = SqlInbox(database.engine)
    await store(database, "a", "b")
    await finish(inbox, NOW - timedelta(days=31))
    ticks = [0.0]
    pruner = BodyPruner(inbox, timedelta(days=30), lambda: NOW, clock=lambda: ticks[0])

    assert await pruner.run() == 1
    await finish(inbox, NOW - timedelta(days=31))
    ticks[0] += 23 * 3600
    assert await pruner.run() is None  # not a day yet
    ticks[0] += 3600
    assert await pruner.run() == 1


async def test_the_worker_prunes_at_start(database: Database, database_url: str) -> None:
    inbox = SqlInbox(database.engine)
    (event_id,) = await store(database, "a")
    await finish(inbox, datetime.now(UTC) - timedelta(days=31))
    settings = Settings.from_env({"DATABASE_URL": database_url})

    async def nothing(*_: object) -> None:
        return None

    jobs = worker_jobs(settings, database, inbox, PosParts(), lambda: datetime.now(UTC))
    worker = InboxWorker(inbox, nothing, lambda: datetime.now(UTC), jobs=jobs)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while (await inbox.get(event_id)).pruned_at is None:
            assert time.monotonic() < deadline, "not pruned"
            await asyncio.sleep(0.05)
    finally:
        await worker.stop()


def test_barback_events_prune(
    downtown: Barback,  # noqa: F811 (the fixture)
    database_url: str,
) -> None:
    secret = downtown("venue", "secret", "downtown")[1].strip()
    deliver(database_url, secret, closed(1), closed(2))
    assert downtown("worker", "--once")[0] == 0

    async def age_the_first() -> None:
        database = await open_database(database_url)
        try:
            async with database.engine.begin() as connection:
                await connection.execute(
                    update(webhook_events)
                    .where(webhook_events.c.id == 1)
                    .values(processed_at=datetime.now(UTC) - timedelta(days=31))
                )
        finally:
            await database.close()

    asyncio.run(age_the_first())
    assert downtown("events", "prune", "--older-than", "60d")[2].startswith(
        "emptied the bodies of 0 events booked before "
    )
    status, out, err = downtown("events", "prune")
    assert (status, out) == (0, "")
    assert err.startswith("emptied the bodies of 1 event booked before ")
    listed = downtown("events")[1].splitlines()
    assert [line.split()[:4] for line in listed[1:]] == [
        ["2", "generic", "done", "0"],
        ["1", "generic", "done,", "body"],
    ]
    status, _, err = downtown("events", "replay", "1")
    assert status == 2
    assert "event 1 was booked and its body pruned on" in err
    assert downtown("events", "prune", "--older-than", "tomorrow")[0] == 2


def test_the_retention_is_configured_in_days_or_hours() -> None:
    assert Settings.from_env({}).event_retention == timedelta(days=30)
    assert Settings.from_env({"BARBACK_EVENT_RETENTION": "7d"}).event_retention == timedelta(7)
    assert Settings.from_env({"BARBACK_EVENT_RETENTION": "36h"}).event_retention == timedelta(
        hours=36
    )
    assert Settings.from_env({"BARBACK_EVENT_RETENTION": "90"}).event_retention == timedelta(90)
    for bad in ("0d", "soon", "-3d", "99999d"):
        with pytest.raises(ConfigError, match="BARBACK_EVENT_RETENTION: an age such as 30d"):
            Settings.from_env({"BARBACK_EVENT_RETENTION": bad})
