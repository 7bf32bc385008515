"""Reconciliation for any POS (webhooks.md promise 6): poll each bound account for the orders
modified since its cursor, and book them through the same idempotent path as webhooks.

A POS provides a `Poller` (how to page through its orders modified in a window, and how one
order becomes receipts and refunds); `Reconciler` does the rest, the same for every POS:

- the window is [cursor - overlap, now]; an account never polled starts `first_look` back. The
  overlap covers the POS's own retry horizon and indexes that lag (Toast resends for 15 minutes);
  what the webhooks already booked books nothing again (line keys).
- each order is booked in its own transaction (`BookOrder`); one that cannot be normalised or is
  refused (another currency) is logged and left out, so it does not hold the cursor back forever;
- a refund whose sale comes later in the window is booked again at the end of the run;
- one account failing (the POS is down) is logged and keeps its cursor, so the next run retries
  the same window; the others go on. The POS refusing the account's credentials
  (`NotConnected`) ends the connection through `on_revoked` when one is given (Square: as its
  revocation webhook does), so it is alerted once and not polled again; revoked or
  disconnected connections are never polled;
- once per slot across processes: with `runs` (storage's `job_runs`) each venue's run in a slot of
  `every` is claimed by one insert (`<provider>-reconcile@HH:MM:SS`), and other processes skip it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol, TypeVar

from engine.connections import ConnectionRepository, PosConnection
from engine.errors import InvalidInput
from integrations.errors import NotConnected
from integrations.processing import Waiting
from integrations.provider import Booked, Skip

logger = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=20)
FIRST_LOOK = timedelta(days=1)
EVERY = timedelta(minutes=5)
KEEP_RUNS = timedelta(days=2)
T = TypeVar("T")

BookOrder = Callable[[int, Sequence[Booked]], Awaitable[Waiting | None]]
"""`book(venue_id, documents)`: book one order's receipts/refunds in one transaction; `Waiting`
when a refund in it found no booked sale (what could be booked is)."""


class JobRuns(Protocol):
    """Claims of a scheduled job's slot (`storage.job_runs.SqlJobRuns`)."""

    async def claim(self, job: str, venue_id: int, day: date, now: datetime) -> bool: ...

    async def finish(self, job: str, venue_id: int, day: date, now: datetime) -> None: ...

    async def prune(self, job_prefix: str, venue_id: int, before: date) -> int: ...


class Poller(Protocol):
    @property
    def provider(self) -> str: ...

    def orders(
        self, connection: PosConnection, since: datetime, until: datetime
    ) -> AsyncIterator[object]:
        """The account's orders modified in [since, until], page after page (raises what the
        POS's client raises)."""
        ...

    async def documents(self, connection: PosConnection, order: object) -> Sequence[Booked] | Skip:
        """What one polled order books (raises `InvalidInput` for an order it cannot read)."""
        ...


@dataclass(frozen=True, slots=True)
class Reconciled:
    account: str
    orders: int
    booked: int
    failed: bool = False


class Reconciler:
    def __init__(
        self,
        poller: Poller,
        connections: ConnectionRepository,
        book: BookOrder,
        now: Callable[[], datetime],
        *,
        overlap: timedelta = OVERLAP,
        first_look: timedelta = FIRST_LOOK,
        runs: JobRuns | None = None,
        every: timedelta = EVERY,
        on_revoked: Callable[[str, str], Awaitable[object]] | None = None,
    ) -> None:
        """`runs`: claim each venue's slot so one process in many runs it (None: always run).
        `on_revoked(account, reason)`: end a connection whose credentials the POS refuses."""
        self._poller = poller
        self._connections = connections
        self._book = book
        self._now = now
        self._overlap = overlap
        self._first_look = first_look
        self._runs = runs
        self._every = every
        self._on_revoked = on_revoked

    @property
    def job(self) -> str:
        return f"{self._poller.provider}-reconcile"

    async def run(self) -> list[Reconciled]:
        """Reconcile every bound account whose venue's slot this call claims."""
        results = []
        now = self._now()
        seconds = self._every.total_seconds()
        start = datetime.fromtimestamp(now.timestamp() // seconds * seconds, UTC)
        job, day = f"{self.job}@{start:%H:%M:%S}", start.date()
        by_venue: dict[int, list[PosConnection]] = {}
        for connection in await self._connections.all(self._poller.provider):
            if connection.active:
                by_venue.setdefault(connection.venue_id, []).append(connection)
        for venue_id, connections in by_venue.items():
            if not await self._guard(self._claim(job, venue_id, day), default=False):
                continue
            for connection in connections:
                results.append(await self._guarded(connection))
            await self._guard(self._finish(job, venue_id, day), default=None)
        return results

    async def _claim(self, job: str, venue_id: int, day: date) -> bool:
        return self._runs is None or await self._runs.claim(job, venue_id, day, self._now())

    async def _finish(self, job: str, venue_id: int, day: date) -> None:
        if self._runs is not None:
            await self._runs.finish(job, venue_id, day, self._now())
            await self._runs.prune(self.job + "@", venue_id, day - KEEP_RUNS)

    async def _guard(self, step: Awaitable[T], *, default: T) -> T:
        try:
            return await step
        except Exception as error:  # the database is down: this tick does nothing more
            logger.warning("%s: bookkeeping failed (%s)", self.job, type(error).__name__)
            return default

    async def _guarded(self, connection: PosConnection) -> Reconciled:
        try:
            return await self.reconcile(connection)
        except Exception as error:
            if isinstance(error, NotConnected) and self._on_revoked is not None:
                await self._revoked(connection, error)
            else:
                logger.warning(
                    "%s failed: %s",
                    self.job,
                    type(error).__name__,
                    extra={"provider": self._poller.provider, "merchant": connection.merchant_id},
                )
            return Reconciled(connection.merchant_id, 0, 0, failed=True)

    async def _revoked(self, connection: PosConnection, refused: NotConnected) -> None:
        assert self._on_revoked is not None
        pos = self._poller.provider.capitalize()
        logger.warning(
            "%s refused barback's credentials: the connection is ended (%s)",
            pos,
            refused,
            extra={"provider": self._poller.provider, "merchant": connection.merchant_id},
        )
        reason = f"{pos} refused barback's credentials (the access was revoked or expired)"
        await self._guard(self._on_revoked(connection.merchant_id, reason), default=None)

    async def reconcile(self, connection: PosConnection) -> Reconciled:
        """One account, now; raises when the POS cannot be read (the cursor stays)."""
        now = self._now()
        since = (
            now - self._first_look
            if connection.cursor is None
            else datetime.fromisoformat(connection.cursor) - self._overlap
        )
        orders = booked = 0
        waiting: list[Sequence[Booked]] = []
        async for order in self._poller.orders(connection, since, now):
            orders += 1
            booked += await self._book_order(connection, order, waiting)
        for documents in waiting:
            try:
                await self._book(connection.venue_id, documents)
            except InvalidInput:
                continue
        provider, account = self._poller.provider, connection.merchant_id
        await self._connections.set_cursor(provider, account, now.isoformat(), now)
        logger.info(
            "%s: %d orders, %d booked",
            self.job,
            orders,
            booked,
            extra={"provider": provider, "merchant": account},
        )
        return Reconciled(account, orders, booked)

    async def _book_order(
        self, connection: PosConnection, order: object, waiting: list[Sequence[Booked]]
    ) -> int:
        try:
            documents = await self._poller.documents(connection, order)
        except InvalidInput as bad:
            logger.warning("%s left out an order: %s", self.job, bad)
            return 0
        if isinstance(documents, Skip):
            return 0
        try:
            incomplete = await self._book(connection.venue_id, documents)
        except InvalidInput as refused:  # say another currency: retrying will not help
            logger.warning("%s could not book an order: %s", self.job, refused)
            return 0
        if incomplete is not None:
            waiting.append(documents)
        return 1
