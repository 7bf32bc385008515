"""`InboxWorker`: woken by commits, backs off when the database fails, stops gracefully."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from app.worker import InboxWorker
from engine.inbox import StoredEvent
from tests.integrations.test_processing import event

NOW = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)


@dataclass
class FakeInbox:
    due: list[StoredEvent] = field(default_factory=list)
    claims: int = 0
    failures: int = 0

    async def claim(
        self, limit: int, owner: str, lease_seconds: float, now: datetime
    ) -> list[StoredEvent]:
        self.claims += 1
        if self.failures:
            self.failures -= 1
            raise OSError("connection refused")
        taken, self.due = self.due[:limit], self.due[limit:]
        return taken

    async def lag(self, now: datetime) -> timedelta:
        return timedelta(seconds=len(self.due))


async def test_a_wake_processes_at_once_and_stop_is_graceful() -> None:
    inbox, seen = FakeInbox(), []

    async def process(stored: Sequence[StoredEvent], owner: str) -> None:
        seen.extend(e.id for e in stored)

    lags: list[timedelta] = []
    worker = InboxWorker(
        inbox,  # type: ignore[arg-type]
        process,
        lambda: NOW,
        poll_seconds=60,
        on_lag=lags.append,
    )
    worker.start()
    await asyncio.sleep(0.05)
    inbox.due.append(event())
    worker.wake()
    for _ in range(100):
        if seen:
            break
        await asyncio.sleep(0.01)
    assert seen == [7]
    await asyncio.wait_for(worker.stop(), timeout=1)
    assert lags[-1] == timedelta(0)


async def test_a_failing_database_is_retried_with_backoff() -> None:
    inbox, seen = FakeInbox(failures=2), []
    inbox.due.append(event())

    async def process(stored: Sequence[StoredEvent], owner: str) -> None:
        seen.extend(e.id for e in stored)

    worker = InboxWorker(inbox, process, lambda: NOW, poll_seconds=60)  # type: ignore[arg-type]
    worker.start()
    await asyncio.sleep(1.5)  # 1 s after the first failure; the second waits 2 s
    assert (inbox.claims, seen) == (2, [])
    await asyncio.sleep(2.2)
    assert seen == [7]
    await asyncio.wait_for(worker.stop(), timeout=1)


async def test_drain_processes_until_nothing_is_due() -> None:
    inbox = FakeInbox(due=[event() for _ in range(45)])
    seen: list[int] = []

    async def process(stored: Sequence[StoredEvent], owner: str) -> None:
        seen.extend(e.id for e in stored)

    worker = InboxWorker(inbox, process, lambda: NOW, batch=20)  # type: ignore[arg-type]
    assert await worker.drain() == 45
    assert len(seen) == 45


async def test_a_wake_gathers_before_claiming() -> None:
    inbox, seen = FakeInbox(), []

    async def process(stored: Sequence[StoredEvent], owner: str) -> None:
        seen.append([e.id for e in stored])

    worker = InboxWorker(
        inbox,  # type: ignore[arg-type]
        process,
        lambda: NOW,
        poll_seconds=60,
        gather_seconds=0.3,
    )
    worker.start()
    await asyncio.sleep(0.05)
    claims = inbox.claims
    for _ in range(3):  # three commits in a row: one claim books them together
        inbox.due.append(event())
        worker.wake()
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.1)
    assert (inbox.claims, seen) == (claims, [])
    for _ in range(100):
        if seen:
            break
        await asyncio.sleep(0.02)
    assert (inbox.claims, seen) == (claims + 1, [[7, 7, 7]])
    await asyncio.wait_for(worker.stop(), timeout=1)


async def test_booking_waits_while_the_webhooks_press_then_books_a_small_batch() -> None:
    inbox = FakeInbox(due=[event() for _ in range(30)])
    seen: list[int] = []
    pressed = True

    async def process(stored: Sequence[StoredEvent], owner: str) -> None:
        seen.append(len(stored))

    worker = InboxWorker(
        inbox,  # type: ignore[arg-type]
        process,
        lambda: NOW,
        batch=20,
        poll_seconds=60,
        defer_to=lambda: pressed,
        max_defer_seconds=0.3,
    )
    worker.start()
    await asyncio.sleep(0.15)
    assert seen == []  # deferred
    await asyncio.sleep(0.3)
    assert seen == [8]  # still pressed after max_defer_seconds: a small batch goes through
    pressed = False
    for _ in range(100):
        if sum(seen) == 30:
            break
        await asyncio.sleep(0.01)
    assert seen == [8, 20, 2]  # the pressure gone, whole batches at once
    await asyncio.wait_for(worker.stop(), timeout=1)
