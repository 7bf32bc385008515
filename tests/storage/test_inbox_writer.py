"""The inbox writer: durable before it answers, one row per delivery key, group commit."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text

from engine.inbox import RawEvent, SubmitResult
from storage.database import Database, DatabaseUnavailable, open_database
from storage.inbox import SqlInbox
from storage.inbox_batch import BatchWriter
from storage.inbox_writer import InboxWriter, inbox_writer
from storage.migrate import upgrade_database
from storage.tables import webhook_events
from tests.conftest import DbTarget

AT = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
HEADERS = {"content-type": "application/json", "x-square-hmacsha256-signature": "c2ln"}


def raw(key: str, *, provider: str = "square", venue_id: int | None = None) -> RawEvent:
    return RawEvent(provider, key, venue_id, AT, HEADERS, b'{"event_id": "%s"}' % key.encode())


@pytest.fixture(params=[None, False], ids=["default", "engine"])
async def writer(request: pytest.FixtureRequest, database: Database) -> AsyncIterator[InboxWriter]:
    """The dialect's default writer (a thread on SQLite), and the async-engine one on SQLite."""
    if request.param is False and database.dialect == "postgresql":
        pytest.skip("on PostgreSQL the default writer is the async-engine one")
    started = inbox_writer(database, threaded=request.param)
    await started.start()
    yield started
    await started.stop()


async def stored_rows(database: Database) -> list[Any]:
    async with database.engine.connect() as connection:
        return list(await connection.execute(select(webhook_events).order_by(webhook_events.c.id)))


def count_commits(engine: Engine) -> list[int]:
    commits = [0]

    def on_commit(_connection: Any) -> None:
        commits[0] += 1

    event.listen(engine, "commit", on_commit)
    return commits


async def test_an_acknowledged_event_is_seen_by_a_fresh_database(
    writer: InboxWriter, db_target: DbTarget
) -> None:
    result = await writer.submit(raw("evt-1"))

    fresh = await open_database(db_target.url)
    try:
        async with fresh.engine.connect() as connection:
            row = (await connection.execute(select(webhook_events))).one()
    finally:
        await fresh.close()

    assert result.duplicate is False
    assert (row.id, row.provider, row.dedupe_key, row.state, row.attempts) == (
        result.event_id,
        "square",
        "evt-1",
        "pending",
        0,
    )
    assert (row.body, row.headers, row.received_at, row.next_attempt_at) == (
        b'{"event_id": "evt-1"}',
        HEADERS,
        AT,
        AT,
    )


async def test_a_redelivery_is_a_duplicate_of_the_first(
    writer: InboxWriter, database: Database
) -> None:
    first = await writer.submit(raw("evt-1"))
    again = await writer.submit(raw("evt-1"))
    other_provider = await writer.submit(raw("evt-1", provider="toast"))

    assert again == SubmitResult(first.event_id, duplicate=True)
    assert other_provider.duplicate is False
    assert len(await stored_rows(database)) == 2


@pytest.mark.parametrize("max_batch", [256, 8], ids=["one-batch", "many-batches"])
async def test_fifty_concurrent_deliveries_of_one_event_store_one_row(
    database: Database, max_batch: int
) -> None:
    # 8 per batch: later batches meet the row an earlier one committed, not just each other.
    writer = inbox_writer(database, max_batch=max_batch)
    await writer.start()
    try:
        results = await asyncio.gather(*(writer.submit(raw("evt-1")) for _ in range(50)))
    finally:
        await writer.stop()

    rows = await stored_rows(database)
    assert len(rows) == 1
    assert {result.event_id for result in results} == {rows[0].id}
    assert [result.duplicate for result in results].count(False) == 1


async def test_concurrent_submits_share_transactions(
    writer: InboxWriter, database: Database
) -> None:
    await writer.submit(raw("warm-up"))  # the first connection, out of the count
    commits = count_commits(writer_engine(writer))

    results = await asyncio.gather(*(writer.submit(raw(f"evt-{n}")) for n in range(100)))

    assert len({result.event_id for result in results}) == 100
    assert not any(result.duplicate for result in results)
    assert 1 <= commits[0] < 100
    assert writer.stats.batches == commits[0] + 1
    assert len(await stored_rows(database)) == 101


def writer_engine(writer: InboxWriter) -> Engine:
    return writer._batches.sync_engine


async def test_a_batch_is_capped_at_max_batch(database: Database) -> None:
    writer = inbox_writer(database, max_batch=10)
    await writer.start()
    try:
        await asyncio.gather(*(writer.submit(raw(f"evt-{n}")) for n in range(35)))
    finally:
        await writer.stop()
    assert writer.stats.largest_batch == 10
    assert writer.stats.batches >= 4


async def test_when_the_database_fails_every_waiting_submit_raises(db_target: DbTarget) -> None:
    # Not migrated: no webhook_events table, so every transaction fails.
    database = await open_database(db_target.url)
    writer = inbox_writer(database)
    await writer.start()
    try:
        outcomes = await asyncio.gather(
            *(writer.submit(raw(f"evt-{n}")) for n in range(10)), return_exceptions=True
        )
    finally:
        await writer.stop()
        await database.close()

    assert all(isinstance(outcome, DatabaseUnavailable) for outcome in outcomes)
    assert writer.stats.failed_events == 10


class FailingOnce:
    """A batch writer whose first transaction fails, as when the database restarts."""

    def __init__(self, inner: BatchWriter) -> None:
        self.inner = inner
        self.failed = False

    async def write(self, events: Sequence[RawEvent]) -> list[SubmitResult]:
        if not self.failed:
            self.failed = True
            raise ConnectionResetError("server closed the connection")
        return await self.inner.write(events)

    async def close(self) -> None:
        await self.inner.close()

    @property
    def sync_engine(self) -> Engine:
        return self.inner.sync_engine


async def test_the_writer_keeps_serving_after_a_failed_commit(database: Database) -> None:
    default = inbox_writer(database)
    writer = InboxWriter(FailingOnce(default._batches))
    await writer.start()
    try:
        with pytest.raises(DatabaseUnavailable, match="server closed the connection") as caught:
            await writer.submit(raw("evt-1"))
        assert isinstance(caught.value.__cause__, ConnectionResetError)
        # The POS retries the same event; this time it is stored, and it is not a duplicate.
        retried = await writer.submit(raw("evt-1"))
    finally:
        await writer.stop()
    assert retried.duplicate is False
    assert [row.id for row in await stored_rows(database)] == [retried.event_id]


async def test_one_bad_event_does_not_fail_its_batch(database: Database) -> None:
    writer = inbox_writer(database)
    await writer.start()
    try:
        outcomes = await asyncio.gather(
            writer.submit(raw("good-1")),
            writer.submit(raw("no-such-venue", venue_id=999_999)),  # foreign key refused
            writer.submit(raw("good-2")),
            return_exceptions=True,
        )
    finally:
        await writer.stop()

    assert isinstance(outcomes[1], DatabaseUnavailable)
    assert isinstance(outcomes[0], SubmitResult)
    assert isinstance(outcomes[2], SubmitResult)
    assert [row.dedupe_key for row in await stored_rows(database)] == ["good-1", "good-2"]


class NeverCommits:
    """A batch writer stuck in its transaction, as on a hung database connection."""

    async def write(self, events: Sequence[RawEvent]) -> list[SubmitResult]:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    async def close(self) -> None:
        pass

    @property
    def sync_engine(self) -> Engine:
        raise NotImplementedError


async def test_a_hard_shutdown_fails_the_batch_in_flight_and_the_queue() -> None:
    writer = InboxWriter(NeverCommits(), max_batch=2)
    await writer.start()
    submits = [asyncio.create_task(writer.submit(raw(f"evt-{n}"))) for n in range(5)]
    await asyncio.sleep(0.01)  # the first batch is in flight, the rest queued
    task = writer._task
    assert task is not None
    task.cancel()

    outcomes = await asyncio.gather(*submits, return_exceptions=True)
    with pytest.raises(asyncio.CancelledError):
        await task
    assert all(isinstance(outcome, DatabaseUnavailable) for outcome in outcomes)


async def test_stop_stores_what_is_queued_then_refuses(database: Database) -> None:
    writer = inbox_writer(database)
    await writer.start()
    submits = [asyncio.create_task(writer.submit(raw(f"evt-{n}"))) for n in range(20)]
    await asyncio.sleep(0)  # every submit is queued
    await writer.stop()

    assert all(not task.result().duplicate for task in submits)
    assert len(await stored_rows(database)) == 20
    with pytest.raises(DatabaseUnavailable, match="not running"):
        await writer.submit(raw("late"))


async def test_a_full_queue_refuses_instead_of_growing(database: Database) -> None:
    writer = inbox_writer(database)
    writer._max_waiting = 5
    await writer.start()
    try:
        outcomes = await asyncio.gather(
            *(writer.submit(raw(f"evt-{n}")) for n in range(8)), return_exceptions=True
        )
    finally:
        await writer.stop()
    refused = [outcome for outcome in outcomes if isinstance(outcome, DatabaseUnavailable)]
    assert len(refused) == 3
    assert "overloaded" in str(refused[0])


async def test_a_commit_with_a_new_event_wakes_the_processor(database: Database) -> None:
    wake = asyncio.Event()
    writer = inbox_writer(database, on_commit=wake.set)
    await writer.start()
    try:
        await writer.submit(raw("evt-1"))
        assert wake.is_set()
        wake.clear()
        await writer.submit(raw("evt-1"))
        assert not wake.is_set(), "a duplicate brings nothing to process"
    finally:
        await writer.stop()


async def test_an_acknowledged_event_survives_a_crash_and_is_claimed_elsewhere(
    database: Database, db_target: DbTarget
) -> None:
    # A separate process stores an event, then dies at once: no stop, no close, no flush.
    script = textwrap.dedent(
        """
        import asyncio, os, sys
        from datetime import UTC, datetime
        from engine.inbox import RawEvent
        from storage.database import open_database
        from storage.inbox_writer import inbox_writer

        async def main():
            database = await open_database(sys.argv[1])
            writer = inbox_writer(database)
            await writer.start()
            event = RawEvent("square", "evt-crash", None, datetime.now(UTC), {}, b"{}")
            result = await writer.submit(event)
            print(result.event_id, flush=True)
            os._exit(0)

        asyncio.run(main())
        """
    )
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script, db_target.url],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    assert done.returncode == 0, done.stderr
    event_id = int(done.stdout)

    claimed = await SqlInbox(database.engine).claim(
        10, "worker-2", 30, datetime.now(UTC) + timedelta(seconds=1)
    )
    assert [(event.id, event.dedupe_key) for event in claimed] == [(event_id, "evt-crash")]


async def test_the_sqlite_writer_thread_uses_the_servers_pragmas(tmp_path: Path) -> None:
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'inbox.db'}")
    try:
        await upgrade_database(database)
        writer = inbox_writer(database)
        await writer.start()
        await writer.submit(raw("evt-1"))
        await writer.stop()  # frees the thread's one connection for this check
    finally:
        await database.close()

    with writer_engine(writer).connect() as connection:
        pragmas = {
            name: connection.scalar(text(f"PRAGMA {name}"))
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }
        rows = connection.scalar(select(func.count()).select_from(webhook_events))
    writer_engine(writer).dispose()

    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }
    assert rows == 1
