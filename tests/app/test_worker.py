"""`InboxWorker`: woken by commits, backs off when the database fails, stops gracefully."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
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
    claimed_at: list[float] = field(default_factory=list)
    """`time.monotonic()` of each claim: the tests check gaps from below, which a slow machine
    can only widen, never narrow."""

    async def claim(
        self, limit: int, owner: str, lease_seconds: float, now: datetime
    ) -> list[StoredEvent]:
        self.claims += 1
        self.claimed_at.append(time.monotonic())
        if self.failures:
            self.failures -= 1
            raise OSError("connection refused")
        taken, self.due = self.due[:limit], self.due[limit:]
        return taken

    async def lag(self, now: datetime) -> timedelta:
        return timedelta(seconds=len(self.due))


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for `condition`, however slowly a busy machine gets there; fail after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the worker did not get there in time"
        await asyncio.sleep(0.01)


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
    await until(lambda: bool(seen))
    assert seen == [7]
    await asyncio.wait_for(worker.stop(), timeout=10)
    assert lags[-1] == timedelta(0)


async def test_a_failing_database_is_retried_with_backoff() -> None:
    inbox, seen = FakeInbox(failures=2), []
    inbox.due.append(event())

    async def process(stored: Sequence[StoredEvent], owner: str) -> None:
        seen.extend(e.id for e in stored)

    worker = InboxWorker(inbox, process, lambda: NOW, poll_seconds=60)  # type: ignore[arg-type]
    worker.start()
    await until(lambda: seen == [7])
    await asyncio.wait_for(worker.stop(), timeout=10)
    # Two failures: the second claim waited 1 s after the first, the third 2 s after the second.
    first, second, third = inbox.claimed_at[:3]
    assert second - first >= 0.95 and third - second >= 1.95


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
        gather_seconds=1.0,
    )
    worker.start()
    await until(lambda: inbox.claims == 1)  # the start-up claim found nothing
    woken = time.monotonic()
    for _ in range(3):  # three commits in a row: one claim books them together
        inbox.due.append(event())
        worker.wake()
        await asyncio.sleep(0)
    await until(lambda: bool(seen))
    assert (inbox.claims, seen) == (2, [[7, 7, 7]])
    assert inbox.claimed_at[1] - woken >= 0.95  # it gathered before claiming
    await asyncio.wait_for(worker.stop(), timeout=10)


async def test_booking_waits_while_the_webhooks_press_then_books_a_small_batch() -> None:
    inbox = FakeInbox(due=[event() for _ in range(30)])
    seen: list[int] = []
    pressed = True

    async def process(stored: Sequence[StoredEvent], owner: str) -> None:
        nonlocal pressed
        seen.append(len(stored))
        pressed = False  # the webhooks ease right after the first (small) batch

    worker = InboxWorker(
        inbox,  # type: ignore[arg-type]
        process,
        lambda: NOW,
        batch=20,
        poll_seconds=60,
        defer_to=lambda: pressed,
        max_defer_seconds=0.5,
    )
    started = time.monotonic()
    worker.start()
    await until(lambda: sum(seen) == 30)
    await asyncio.wait_for(worker.stop(), timeout=10)
    # Pressed: nothing for max_defer_seconds, then a small batch; then whole batches at once.
    assert seen == [8, 20, 2]
    assert inbox.claimed_at[0] - started >= 0.45
