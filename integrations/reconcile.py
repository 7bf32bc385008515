"""Reconciliation (webhooks.md promise 6): poll Square for orders the webhooks missed.

For each connected merchant, `SearchOrders` for COMPLETED orders updated in
[cursor - overlap, now], page by page; each order is normalised and booked through the same
idempotent path as a webhook's (one transaction per order), so an order the webhooks already
booked books nothing. Then the cursor moves to `now`, the window's end.

- The overlap (10 minutes) covers Square's eventually consistent search index and clocks that
  disagree: an order updated just before the last run's end but indexed after it is seen again.
- A merchant never polled starts `first_look` (a day) back.
- One merchant failing (Square down) is logged and leaves its cursor alone, so the next run
  retries the same window; the other merchants go on.
- Square refusing the merchant's credentials (`NotConnected`: the grant was revoked without the
  webhook reaching us, or the token can no longer be refreshed) ends the connection through
  `on_revoked`, as `oauth.authorization.revoked` does: the venue is alerted once and the merchant
  is not polled again, instead of failing every five minutes forever. Revoked connections are
  skipped.
- An order that cannot be normalised is logged and left out (its webhook, if any, is in
  `barback events --failed`); it does not hold the cursor back forever.
- A return whose sale is not booked yet (the search lists by update time, and a sale can be
  updated after its return) is booked again at the end of the run, once the window's sales are in.
- Once per slot across processes: every `serve` and `worker` process ticks this job, so with
  `runs` (storage's `job_runs`) each venue's reconciliation in a slot of `every` (5 minutes,
  counted from the epoch in UTC) is claimed by one insert, and the other processes skip it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from engine.connections import ConnectionRepository, PosConnection
from engine.errors import InvalidInput
from integrations.errors import NotConnected
from integrations.processing import Waiting
from integrations.provider import Booked, Skip, TokenSource
from integrations.square.client import MAX_LOCATIONS, SquareClient
from integrations.square.normalize import PROVIDER, normalize_order

logger = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
FIRST_LOOK = timedelta(days=1)
EVERY = timedelta(minutes=5)
JOB = "square-reconcile"
KEEP_RUNS = timedelta(days=2)

BookOrder = Callable[[int, Sequence[Booked]], Awaitable[Waiting | None]]
"""`book(venue_id, documents)`: book one order's receipts/refunds in one transaction; `Waiting`
when a refund in it found no booked sale (what could be booked is)."""


class JobRuns(Protocol):
    """Claims of a scheduled job's slot (`storage.job_runs.SqlJobRuns`)."""

    async def claim(self, job: str, venue_id: int, day: date, now: datetime) -> bool: ...

    async def finish(self, job: str, venue_id: int, day: date, now: datetime) -> None: ...

    async def prune(self, job_prefix: str, venue_id: int, before: date) -> int: ...


@dataclass(frozen=True, slots=True)
class Slot:
    """The slot of `every` that holds `now`: its `job_runs` key is (`job`, venue, `day`)."""

    job: str
    day: date

    @classmethod
    def holding(cls, now: datetime, every: timedelta) -> Slot:
        seconds = every.total_seconds()
        start = datetime.fromtimestamp(now.timestamp() // seconds * seconds, UTC)
        return cls(f"{JOB}@{start:%H:%M:%S}", start.date())


@dataclass(frozen=True, slots=True)
class Reconciled:
    merchant_id: str
    orders: int
    booked: int
    failed: bool = False


class SquareReconciler:
    def __init__(
        self,
        client: SquareClient,
        tokens: TokenSource,
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
        """`runs`: claim each venue's slot so one process in many runs it (None: always run)."""
        self._client = client
        self._tokens = tokens
        self._connections = connections
        self._book = book
        self._now = now
        self._overlap = overlap
        self._first_look = first_look
        self._runs = runs
        self._every = every
        self._on_revoked = on_revoked

    async def run(self) -> list[Reconciled]:
        """Reconcile every connected merchant whose venue's slot this call claims."""
        results = []
        slot = Slot.holding(self._now(), self._every)
        by_venue: dict[int, list[PosConnection]] = {}
        for connection in await self._connections.all(PROVIDER):
            if connection.active:
                by_venue.setdefault(connection.venue_id, []).append(connection)
        for venue_id, connections in by_venue.items():
            if not await self._claim(slot, venue_id):
                logger.debug("Square reconciliation: slot %s taken", slot.job)
                continue
            for connection in connections:
                results.append(await self._guarded(connection))
            await self._finish(slot, venue_id)
        return results

    async def _claim(self, slot: Slot, venue_id: int) -> bool:
        if self._runs is None:
            return True
        try:
            return await self._runs.claim(slot.job, venue_id, slot.day, self._now())
        except Exception as error:  # the database is down: this tick does nothing
            logger.warning(
                "Square reconciliation: no claim (%s)",
                type(error).__name__,
                extra={"venue": venue_id},
            )
            return False

    async def _finish(self, slot: Slot, venue_id: int) -> None:
        if self._runs is None:
            return
        try:
            await self._runs.finish(slot.job, venue_id, slot.day, self._now())
            await self._runs.prune(JOB + "@", venue_id, slot.day - KEEP_RUNS)
        except Exception as error:  # the run is done; only its bookkeeping is missing
            logger.warning("Square reconciliation: run not recorded (%s)", type(error).__name__)

    async def _guarded(self, connection: PosConnection) -> Reconciled:
        try:
            return await self.reconcile(connection)
        except Exception as error:
            if isinstance(error, NotConnected) and self._on_revoked is not None:
                await self._revoked(connection, error)
            else:
                logger.warning(
                    "Square reconciliation failed: %s",
                    type(error).__name__,
                    extra={"merchant": connection.merchant_id},
                )
            return Reconciled(connection.merchant_id, 0, 0, failed=True)

    async def _revoked(self, connection: PosConnection, refused: NotConnected) -> None:
        assert self._on_revoked is not None
        logger.warning(
            "Square refused barback's credentials: the connection is ended (%s)",
            refused,
            extra={"merchant": connection.merchant_id},
        )
        reason = "Square refused barback's credentials (the access was revoked or expired)"
        try:
            await self._on_revoked(connection.merchant_id, reason)
        except Exception as error:  # the database is down: the next run tries again
            logger.warning("Square reconciliation: connection not ended (%s)", error)

    async def reconcile(self, connection: PosConnection) -> Reconciled:
        now = self._now()
        since = self._since(connection, now)
        token = await self._tokens.access_token(PROVIDER, connection.merchant_id)
        orders = booked = 0
        waiting: list[Sequence[Booked]] = []
        locations = connection.location_ids
        for start in range(0, len(locations), MAX_LOCATIONS):
            chunk = locations[start : start + MAX_LOCATIONS]
            cursor: str | None = None
            while True:
                page = await self._client.search_orders(
                    token, chunk, since, cursor, updated_until=now
                )
                for order in page.orders:
                    orders += 1
                    booked += await self._book_order(connection, order, waiting)
                cursor = page.cursor
                if cursor is None:
                    break
        await self._book_waiting(connection, waiting)
        await self._connections.set_cursor(PROVIDER, connection.merchant_id, now.isoformat(), now)
        logger.info(
            "Square reconciled: %d orders, %d booked",
            orders,
            booked,
            extra={"merchant": connection.merchant_id},
        )
        return Reconciled(connection.merchant_id, orders, booked)

    def _since(self, connection: PosConnection, now: datetime) -> datetime:
        if connection.cursor is None:
            return now - self._first_look
        return datetime.fromisoformat(connection.cursor) - self._overlap

    async def _book_order(
        self, connection: PosConnection, order: object, waiting: list[Sequence[Booked]]
    ) -> int:
        try:
            result = normalize_order(order)  # type: ignore[arg-type]
        except InvalidInput as bad:
            logger.warning("Square reconciliation left out an order: %s", bad)
            return 0
        if isinstance(result, Skip):
            return 0
        try:
            incomplete = await self._book(connection.venue_id, result.booked)
        except InvalidInput as refused:  # say another currency: retrying will not help
            logger.warning("Square reconciliation could not book %s: %s", result.order_id, refused)
            return 0
        if incomplete is not None:
            waiting.append(result.booked)
        return 1

    async def _book_waiting(
        self, connection: PosConnection, waiting: Sequence[Sequence[Booked]]
    ) -> None:
        """Book again the returns whose sale came later in the window (the lines booked before
        are skipped by their keys). Still waiting: its webhook event, if any, keeps retrying."""
        for documents in waiting:
            try:
                incomplete = await self._book(connection.venue_id, documents)
            except InvalidInput:
                continue
            if incomplete is not None:
                logger.warning(
                    "Square reconciliation: %s",
                    incomplete.reason,
                    extra={"merchant": connection.merchant_id},
                )
