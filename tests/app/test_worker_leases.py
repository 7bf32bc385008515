"""Leases on both databases: a killed worker's batch is claimed again within 30 s, and a live
worker's batch is not, however long it takes (its leases are renewed)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from app.worker import InboxWorker
from engine.inbox import EventId, RawEvent, StoredEvent
from storage.database import Database
from storage.inbox import SqlInbox
from storage.inbox_writer import inbox_writer

T0 = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)


class ManualClock:
    def __init__(self) -> None:
        self.at = T0

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> datetime:
        self.at += timedelta(seconds=seconds)
        return self.at


async def three_events(database: Database) -> list[EventId]:
    writer = inbox_writer(database)
    await writer.start()
    try:
        results = [
            await writer.submit(RawEvent("generic", f"1:evt-{n}", None, T0, {}, b"{}"))
            for n in range(3)
        ]
    finally:
        await writer.stop()
    return [result.event_id for result in results]


class Holds:
    """A batch that takes as long as the test says."""

    def __init__(self) -> None:
        self.claimed = asyncio.Event()
        self.release = asyncio.Event()
        self.events: list[EventId] = []

    async def __call__(self, events: Sequence[StoredEvent], owner: str) -> None:
        self.events = [event.id for event in events]
        self.claimed.set()
        await self.release.wait()


async def leased_beyond(inbox: SqlInbox, ids: Sequence[EventId], now: datetime) -> bool:
    leases = [(await inbox.get(event_id)).lease_until for event_id in ids]
    return all(lease is not None and lease > now for lease in leases)


async def books_nothing(events: Sequence[StoredEvent], owner: str) -> None:
    raise AssertionError(f"claimed {[e.id for e in events]} held by another worker")


async def test_a_killed_workers_events_are_claimed_again_within_30_seconds(
    database: Database,
) -> None:
    ids = await three_events(database)
    clock, batch = ManualClock(), Holds()
    killed = InboxWorker(SqlInbox(database.engine), batch, clock.now)
    running = asyncio.create_task(killed.run_once())
    await asyncio.wait_for(batch.claimed.wait(), timeout=30)
    running.cancel()  # as SIGKILL: no more renewals, and nothing released
    await asyncio.gather(running, return_exceptions=True)

    claimed: list[EventId] = []

    async def books(events: Sequence[StoredEvent], owner: str) -> None:
        claimed.extend(event.id for event in events)

    other = InboxWorker(SqlInbox(database.engine), books, clock.now)
    clock.advance(10)
    assert await other.run_once() == 0  # still leased to the killed worker
    clock.advance(20)
    assert await other.run_once() == 3
    assert sorted(claimed) == sorted(ids) == sorted(batch.events)


async def test_a_live_workers_leases_are_renewed_while_its_batch_runs(database: Database) -> None:
    ids = await three_events(database)
    inbox = SqlInbox(database.engine)
    clock, batch = ManualClock(), Holds()
    slow = InboxWorker(inbox, batch, clock.now, renew_every=0.05)
    running = asyncio.create_task(slow.run_once())
    await asyncio.wait_for(batch.claimed.wait(), timeout=30)
    other = InboxWorker(inbox, books_nothing, clock.now)

    for _ in range(24):  # two minutes of a batch in hand
        now = clock.advance(5)
        deadline = time.monotonic() + 30
        while not await leased_beyond(inbox, ids, now):
            assert time.monotonic() < deadline, "the leases were not renewed"
            await asyncio.sleep(0.02)
        assert await other.run_once() == 0

    batch.release.set()
    assert await asyncio.wait_for(running, timeout=30) == 3
