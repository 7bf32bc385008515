"""`InboxWriter`: the webhook routes' `EventSink`, storing events by group commit.

Each request enqueues its event and waits; one writer task takes everything waiting (up to
`max_batch`) into one transaction and answers every request only after that transaction has
committed. Durability is unchanged (the 2xx still follows the commit holding the event) while one
fsync and one multi-row INSERT serve the whole batch: performance.md §3c measured 1.25k req/s for a
transaction per request against 6.1k with group commit, both with synchronous=FULL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.exc import DataError, IntegrityError, StatementError

from engine.inbox import RawEvent, SubmitResult, error_text
from storage.database import Database, DatabaseUnavailable
from storage.inbox_batch import BatchWriter, EngineBatches, SqliteThreadBatches
from storage.outage import Outage
from storage.write_turns import turn_of

logger = logging.getLogger(__name__)

# A webhook waits this long for its commit, then is answered 503 (the POS retries). A healthy
# commit takes milliseconds (`make bench`'s p99 under saturation is about 0.1 s); a database that
# hangs must not hold the POS for the whole outage. With the venue lookup's 1.5 s
# (app/webhooks.py) a webhook is answered within 4 s whatever the database does.
SUBMIT_DEADLINE_SECONDS = 2.5

Waiting = tuple[RawEvent, "asyncio.Future[SubmitResult]"]


@dataclass(slots=True)
class WriterStats:
    """Counters for /metrics and for tests: `batches` is the number of committed transactions."""

    batches: int = 0
    events: int = 0
    duplicates: int = 0
    failed_events: int = 0
    largest_batch: int = 0


class BusyMeter:
    """The share of the last `window` seconds during which something was busy."""

    def __init__(self, window: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self._window = window
        self._clock = clock
        self._since: float | None = None
        self._spans: deque[tuple[float, float]] = deque()

    def busy(self) -> None:
        if self._since is None:
            self._since = self._clock()

    def idle(self) -> None:
        if self._since is not None:
            self._spans.append((self._since, self._clock()))
            self._since = None

    def share(self) -> float:
        now = self._clock()
        edge = now - self._window
        while self._spans and self._spans[0][1] <= edge:
            self._spans.popleft()
        busy = sum(end - max(start, edge) for start, end in self._spans)
        if self._since is not None:
            busy += now - max(self._since, edge)
        return min(busy / self._window, 1.0)


class InboxWriter:
    """Use as `await writer.start()` ... `await writer.stop()` (which stores what is queued)."""

    def __init__(
        self,
        batches: BatchWriter,
        *,
        max_batch: int = 256,
        max_waiting: int = 10_000,
        on_commit: Callable[[], None] | None = None,
        turn: asyncio.Lock | None = None,
        deadline: float = SUBMIT_DEADLINE_SECONDS,
        outage: Outage | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._batches = batches
        # SQLite: the engine's write turn (storage/write_turns.py), taken before each batch.
        self._turn = turn
        self._max_batch = max_batch
        # Beyond this the database is not keeping up: refusing (503, the POS retries later) beats
        # holding ever more requests and memory.
        self._max_waiting = max_waiting
        self._on_commit = on_commit
        self._deadline = deadline
        self._outage = outage or Outage()
        self._clock = clock
        # When the writer last made progress (a batch committed or failed), or became busy.
        self._progress_at = clock()
        self._in_flight = 0
        self._waiting: list[Waiting] = []
        # Busy from the first event waiting until the queue is empty again.
        self.load = BusyMeter()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.stats = WriterStats()

    async def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("the inbox writer is started once")
        self._task = asyncio.create_task(self._run(), name="inbox-writer")

    async def stop(self) -> None:
        """Refuse new events, store the queued ones, then release the writer's connection."""
        self._stopping = True
        self._wakeup.set()
        try:
            if self._task is not None:
                await self._task
        finally:
            await self._batches.close()

    async def submit(self, event: RawEvent) -> SubmitResult:
        """Return once `event` is committed; raises `DatabaseUnavailable` when it was not stored
        within the deadline (it may still be stored later: the POS's retry is then a duplicate).
        While the writer is stuck on a database that does not answer, at once."""
        if self._task is None or self._stopping or self._task.done():
            raise DatabaseUnavailable("the inbox writer is not running")
        if len(self._waiting) >= self._max_waiting:
            raise DatabaseUnavailable("the inbox writer is overloaded")
        if self.stalled():
            raise DatabaseUnavailable(
                f"the database has not answered the inbox writer for over {self._deadline:g} s",
                since=self._progress_at,
            )
        loop = asyncio.get_running_loop()
        future: asyncio.Future[SubmitResult] = loop.create_future()
        late = loop.call_later(self._deadline, self._too_late, future)
        future.add_done_callback(lambda _: late.cancel())
        if not self._busy():
            self._progress_at = self._clock()
        self._waiting.append((event, future))
        self.load.busy()
        self._wakeup.set()
        # A caller that goes away (client disconnect) or is answered at the deadline leaves its
        # event queued, and storing it anyway is harmless: the POS's retry will be a duplicate.
        return await future

    def _too_late(self, future: asyncio.Future[SubmitResult]) -> None:
        _fail(future, DatabaseUnavailable(f"not stored within {self._deadline:g} s"))

    def stalled(self) -> bool:
        """Busy, and no batch has finished for longer than the deadline: the database hangs."""
        return self._busy() and self._clock() - self._progress_at > self._deadline

    def _busy(self) -> bool:
        return bool(self._waiting) or self._in_flight > 0

    async def _run(self) -> None:
        batch: list[Waiting] = []
        try:
            while self._waiting or not self._stopping:
                if not self._waiting:
                    self.load.idle()
                    await self._wakeup.wait()
                    self._wakeup.clear()
                    continue
                turn: contextlib.AbstractAsyncContextManager[object] = (
                    self._turn or contextlib.nullcontext()
                )
                async with turn:
                    # Sliced once the turn is ours: what arrived meanwhile goes in this batch.
                    batch = self._waiting[: self._max_batch]
                    del self._waiting[: self._max_batch]
                    self._in_flight = len(batch)
                    try:
                        await self._store(batch)
                    finally:
                        self._in_flight = 0
                        self._progress_at = self._clock()
        finally:
            # Cancelled (a hard shutdown): whoever still waits, on the batch in flight or in the
            # queue, learns the event may not be stored (answered futures are left alone).
            for _, future in batch + self._waiting:
                _fail(future, DatabaseUnavailable("the inbox writer stopped"))
            self._waiting.clear()

    async def _store(self, batch: list[Waiting]) -> None:
        try:
            results = await self._batches.write([event for event, _ in batch])
        except (IntegrityError, DataError) as error:
            if len(batch) == 1:
                self._fail_all(batch, error)
                return
            # One bad event (say, its venue was deleted meanwhile) must not cost the others
            # their 2xx: store them one by one, so only the bad one fails.
            logger.warning("inbox batch refused, storing its %d events singly", len(batch))
            for waiting in batch:
                await self._store([waiting])
            return
        except Exception as error:
            self._fail_all(batch, error)
            return
        self._outage.answered()
        self._count(batch, results)
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)
        if self._on_commit is not None and any(not result.duplicate for result in results):
            self._on_commit()

    def _count(self, batch: list[Waiting], results: list[SubmitResult]) -> None:
        stats = self.stats
        stats.batches += 1
        stats.events += len(batch)
        stats.duplicates += sum(result.duplicate for result in results)
        stats.largest_batch = max(stats.largest_batch, len(batch))

    def _fail_all(self, batch: list[Waiting], error: Exception) -> None:
        cause = _driver_error(error)
        reason = error_text(f"{type(cause).__name__}: {cause}")
        if not self._outage.failed("inbox writer", error):
            logger.error("inbox writer could not store %d events: %s", len(batch), reason)
        self.stats.failed_events += len(batch)
        for _, future in batch:
            # A fresh exception each: one instance raised in many tasks would share a traceback.
            unavailable = DatabaseUnavailable(f"the event was not stored: {reason}")
            unavailable.__cause__ = cause
            _fail(future, unavailable)


def _driver_error(error: Exception) -> BaseException:
    # The driver's own exception: SQLAlchemy's wrapper prints the statement and its parameters,
    # which here are webhook bodies and headers, not something for logs or error replies.
    if isinstance(error, StatementError) and error.orig is not None:
        return error.orig
    return error


def _fail(future: asyncio.Future[SubmitResult], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


def inbox_writer(
    database: Database,
    *,
    on_commit: Callable[[], None] | None = None,
    threaded: bool | None = None,
    max_batch: int = 256,
) -> InboxWriter:
    """The writer for `database`, not started yet.

    `threaded` (default: for a SQLite file) writes on a dedicated thread with sync SQLAlchemy on
    pysqlite; otherwise batches run on the database's async engine. `on_commit` is called on the
    event loop after each commit that stored a new event, to wake the processor at once.
    """
    url = database.url
    in_memory = url.database in (None, "", ":memory:")
    if threaded is None:
        threaded = database.dialect == "sqlite" and not in_memory
    batches: BatchWriter
    if threaded:
        if database.dialect != "sqlite" or in_memory:
            raise ValueError("the threaded inbox writer needs a SQLite database file")
        batches = SqliteThreadBatches(url)
    else:
        batches = EngineBatches(database.engine)
    turn = turn_of(database.engine) if threaded else None
    return InboxWriter(
        batches, on_commit=on_commit, max_batch=max_batch, turn=turn, outage=database.outage
    )
