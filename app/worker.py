"""The inbox worker loop: claim a batch of due events, process each, repeat.

It runs inside `barback serve` (started and stopped by the app's cleanup context) and alone in
`barback worker`; any number of them share one database safely, because `SqlInbox.claim` leases
events (SKIP LOCKED on PostgreSQL) and a crashed worker's leases expire.

- Woken when the inbox writer commits a new event (`wake`), else it polls every `poll_seconds`
  (retries fall due, other processes store events). After a wake it gathers for
  `gather_seconds` before claiming: at a steady trickle of webhooks, booking each commit's one
  or two events would cost a claim and two transactions apiece, and on SQLite every one of them
  delays the webhooks' own commits. A tenth of a second later, one round books them all.
- A failing claim (database down) backs off 1, 2, 4, ... up to 30 s; the loop never dies of it.
  An outage is the database's `Outage` to log, once (storage/outage.py), not a line per retry.
- Leases are short (`LEASE_SECONDS`) and renewed every quarter of that while a batch is in hand:
  a worker that is killed stops renewing, and its events are claimed again by another within
  the lease plus one poll, however long a healthy batch takes.
- `stop()` lets the batch in hand finish (its booking is one short transaction), then returns.
- Webhooks first (`defer_to`): while it answers True, a batch waits, up to `max_defer_seconds`.
  The service wires it to "the inbox writer was busy most of the last half second": when the
  webhooks alone keep the process busy, booking (which on SQLite also holds up their commits)
  waits, a small batch a `max_defer_seconds` still goes through (short, so the webhooks hardly
  notice it), and the backlog books as soon as the burst ends. A POS wants its 2xx within
  seconds and retries without one; a stock figure a few seconds late costs nothing. At rates
  that leave room, booking runs at once.
- Scheduled jobs (`jobs`, e.g. Square reconciliation) run at start and then on each multiple of
  `jobs_every` seconds of the clock (UTC, from the epoch), each guarded. Every process ticks at
  the same instants, so a job that claims its slot (`storage.job_runs`) runs once per interval
  across processes, not once per process.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from engine.inbox import EventId, Inbox, StoredEvent, loop_backoff
from storage.outage import Outage

logger = logging.getLogger(__name__)

Process = Callable[[Sequence[StoredEvent], str], Awaitable[object]]
"""`process(events, owner)`: a claimed batch (`EventProcessor.process_many`)."""
Job = Callable[[], Awaitable[object]]

TICK_MARGIN_SECONDS = 1.0  # past the slot's start, so a tick never lands in the slot before
LAG_EVERY_SECONDS = 5.0
DEFER_POLL_SECONDS = 0.01
SMALL_BATCH = 8  # booked while the webhooks still press after `max_defer_seconds`
# A killed worker's events are claimed again within the lease plus a poll (issue: within 30 s).
LEASE_SECONDS = 20.0
RENEWALS_PER_LEASE = 4


def worker_name() -> str:
    """A lease owner unique to this worker: host, process and a random tail."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class InboxWorker:
    def __init__(
        self,
        inbox: Inbox,
        process: Process,
        now: Callable[[], datetime],
        *,
        owner: str | None = None,
        batch: int = 20,
        lease_seconds: float = LEASE_SECONDS,
        poll_seconds: float = 2.0,
        on_lag: Callable[[timedelta], None] | None = None,
        jobs: Sequence[Job] = (),
        jobs_every: float = 300.0,
        gather_seconds: float = 0.0,
        defer_to: Callable[[], bool] | None = None,
        max_defer_seconds: float = 2.0,
        outage: Outage | None = None,
        renew_every: float | None = None,
    ) -> None:
        """`renew_every`: seconds between lease renewals while a batch is in hand (default a
        quarter of the lease)."""
        self.owner = owner or worker_name()
        self._inbox = inbox
        self._process = process
        self._now = now
        self._batch = batch
        self._lease_seconds = lease_seconds
        self._poll_seconds = poll_seconds
        self._on_lag = on_lag
        self._jobs = tuple(jobs)
        self._jobs_every = jobs_every
        self._gather_seconds = gather_seconds
        self._defer_to = defer_to
        self._max_defer_seconds = max_defer_seconds
        self._outage = outage or Outage()
        self._renew_every = renew_every or lease_seconds / RENEWALS_PER_LEASE
        self._lag_at = float("-inf")
        self._wakeup = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._jobs_task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wakeup.set()

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("the worker is started once")
        self._task = asyncio.create_task(self.run(), name="inbox-worker")
        if self._jobs:
            self._jobs_task = asyncio.create_task(self._run_jobs(), name="worker-jobs")

    async def stop(self) -> None:
        self._stopping = True
        self._wakeup.set()
        if self._jobs_task is not None:
            self._jobs_task.cancel()
            await asyncio.gather(self._jobs_task, return_exceptions=True)
        if self._task is not None:
            await self._task

    async def run(self) -> None:
        failures = 0
        while not self._stopping:
            self._wakeup.clear()
            limit = SMALL_BATCH if await self._defer() else self._batch
            try:
                handled = await self.run_once(limit)
                failures = 0
            except Exception as error:
                failures += 1
                delay = loop_backoff(failures)
                if not self._outage.failed("inbox worker", error):
                    logger.error("inbox worker: %s; retrying in %.0f s", _short(error), delay)
                await self._sleep(delay)
                continue
            self._outage.answered()
            if handled < limit:  # nothing more is due: wait for a wake or the next poll
                await self._sleep(self._poll_seconds)
                if self._gather_seconds and not self._stopping:
                    await asyncio.sleep(self._gather_seconds)

    async def run_once(self, limit: int | None = None) -> int:
        """Claim one batch (of `limit`, default the worker's batch) and process it; how many
        events were claimed."""
        limit = self._batch if limit is None else limit
        events = await self._inbox.claim(limit, self.owner, self._lease_seconds, self._now())
        if events:
            renewing = asyncio.create_task(self._renew([e.id for e in events]), name="renew")
            try:
                await self._process(events, self.owner)
            finally:
                renewing.cancel()
                await asyncio.gather(renewing, return_exceptions=True)
        loop = asyncio.get_running_loop()
        # Every few seconds at most: on SQLite it is one more transaction at the write lock, and
        # it reads every pending event.
        if self._on_lag is not None and loop.time() - self._lag_at >= LAG_EVERY_SECONDS:
            self._lag_at = loop.time()
            self._on_lag(await self._inbox.lag(self._now()))
        return len(events)

    async def _renew(self, ids: list[EventId]) -> None:
        """Extend the batch's leases until cancelled (the batch is done). A renewal that fails
        is retried at the next; at worst the lease runs out and another worker books the events
        too, which books nothing twice (bookings are idempotent per line)."""
        while True:
            await asyncio.sleep(self._renew_every)
            try:
                await self._inbox.renew(ids, self.owner, self._lease_seconds, self._now())
            except Exception as error:
                if not self._outage.failed("renewing leases", error):
                    logger.warning("inbox worker: leases not renewed: %s", _short(error))

    async def _defer(self) -> bool:
        """Wait while `defer_to` says so; True when it still does after `max_defer_seconds`."""
        if self._defer_to is None:
            return False
        loop = asyncio.get_running_loop()
        until = loop.time() + self._max_defer_seconds
        while self._defer_to() and not self._stopping:
            if loop.time() >= until:
                return True
            await asyncio.sleep(DEFER_POLL_SECONDS)
        return False

    async def drain(self) -> int:
        """Process until nothing is due (tests and `barback worker --once`); how many events."""
        total = 0
        while handled := await self.run_once():
            total += handled
        return total

    async def _sleep(self, seconds: float) -> None:
        if self._stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wakeup.wait(), timeout=seconds)

    async def _run_jobs(self) -> None:
        while not self._stopping:
            for job in self._jobs:
                try:
                    await job()
                except Exception as error:
                    if not self._outage.failed("a scheduled job", error):
                        logger.exception("worker job failed")
            await asyncio.sleep(self.until_next_tick())

    def until_next_tick(self) -> float:
        """Seconds until the next multiple of `jobs_every` on the clock, plus a small margin."""
        every = self._jobs_every
        margin = min(TICK_MARGIN_SECONDS, every / 10)
        return every - self._now().timestamp() % every + margin


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0][:200]}" if text else type(error).__name__
