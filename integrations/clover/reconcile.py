"""Reconciliation for Clover (webhooks.md promise 6): Clover promises no webhook delivery at all, so
every connected merchant is polled for orders modified in [cursor - overlap, now).

`GET /v3/merchants/{mId}/orders?filter=modifiedTime>=..&filter=modifiedTime<..`, expanded like a
single order, page by page (`offset`, `limit`; a short page is the last). Each order is normalised
and booked through the same idempotent path as a webhook's (one transaction per order), so an
order the webhooks already booked books nothing. Then the cursor moves to `now`, the window's end.

- `modifiedTime` moves with every change (payment, refund, void), so one filter finds new sales
  and late refunds alike. An order modified while the pages are read leaves the window (its time
  is past the end) and is found by the next run, whose window starts before it.
- The overlap (10 minutes) covers clocks that disagree and orders synced late from a device.
- A merchant never polled starts `first_look` (a day) back.
- One merchant failing (token refused, Clover down) is logged and leaves its cursor alone, so the
  next run covers the same window; the other merchants go on.
- An order that cannot be normalised is logged and left out; a refund whose sale is not booked yet
  is booked again at the end of the run, once the window's sales are in.
- Once per slot across processes, as Square's (`integrations.reconcile.Slot`, `job_runs`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from engine.connections import ConnectionRepository, PosConnection
from engine.errors import InvalidInput
from integrations.clover.client import PAGE_LIMIT, CloverClient
from integrations.clover.fields import JsonObject
from integrations.clover.normalize import PROVIDER, normalize_order
from integrations.provider import Booked, Skip, TokenSource
from integrations.reconcile import BookOrder, JobRuns, Reconciled, Slot

logger = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
FIRST_LOOK = timedelta(days=1)
EVERY = timedelta(minutes=5)
JOB = "clover-reconcile"
KEEP_RUNS = timedelta(days=2)
MAX_PAGES = 500  # 50,000 orders in one window: past that, something is wrong; retried next run


class CloverReconciler:
    def __init__(
        self,
        client: CloverClient,
        tokens: TokenSource,
        connections: ConnectionRepository,
        book: BookOrder,
        now: Callable[[], datetime],
        *,
        overlap: timedelta = OVERLAP,
        first_look: timedelta = FIRST_LOOK,
        runs: JobRuns | None = None,
        every: timedelta = EVERY,
        page: int = PAGE_LIMIT,
    ) -> None:
        """`runs`: claim each venue's slot so one process in many
        runs it (None: always run)."""
        self._client = client
        self._tokens = tokens
        self._connections = connections
        self._book = book
        self._now = now
        self._overlap = overlap
        self._first_look = first_look
        self._runs = runs
        self._every = every
        self._page = page

    async def run(self) -> list[Reconciled]:
        """Reconcile every connected merchant whose venue's slot this call claims."""
        results = []
        slot = Slot.holding(self._now(), self._every, JOB)
        by_venue: dict[int, list[PosConnection]] = {}
        for connection in await self._connections.all(PROVIDER):
            by_venue.setdefault(connection.venue_id, []).append(connection)
        for venue_id, connections in by_venue.items():
            if not await self._claim(slot, venue_id):
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
            logger.warning("Clover reconciliation: no claim (%s)", type(error).__name__)
            return False

    async def _finish(self, slot: Slot, venue_id: int) -> None:
        if self._runs is None:
            return
        try:
            await self._runs.finish(slot.job, venue_id, slot.day, self._now())
            await self._runs.prune(JOB + "@", venue_id, slot.day - KEEP_RUNS)
        except Exception as error:  # the run is done; only its bookkeeping is missing
            logger.warning("Clover reconciliation: run not recorded (%s)", type(error).__name__)

    async def _guarded(self, connection: PosConnection) -> Reconciled:
        try:
            return await self.reconcile(connection)
        except Exception as error:
            logger.warning(
                "Clover reconciliation failed: %s",
                type(error).__name__,
                extra={"merchant": connection.merchant_id},
            )
            return Reconciled(connection.merchant_id, 0, 0, failed=True)

    async def reconcile(self, connection: PosConnection) -> Reconciled:
        now = self._now()
        since = self._since(connection, now)
        merchant = connection.merchant_id
        token = await self._tokens.access_token(PROVIDER, merchant)
        orders = booked = 0
        waiting: list[Sequence[Booked]] = []
        for page_number in range(MAX_PAGES):
            page = await self._client.list_orders(
                token, merchant, since, now, offset=page_number * self._page, limit=self._page
            )
            for order in page:
                orders += 1
                booked += await self._book_order(connection, order, waiting)
            if len(page) < self._page:
                break
        else:
            raise RuntimeError(f"more than {MAX_PAGES} pages of orders in one window")
        for documents in waiting:  # returns whose sale came later in the window
            try:
                incomplete = await self._book(connection.venue_id, documents)
            except InvalidInput:
                continue
            if incomplete is not None:
                logger.warning("Clover reconciliation: %s", incomplete.reason)
        await self._connections.set_cursor(PROVIDER, merchant, now.isoformat(), now)
        logger.info(
            "Clover reconciled: %d orders, %d booked", orders, booked, extra={"merchant": merchant}
        )
        return Reconciled(merchant, orders, booked)

    def _since(self, connection: PosConnection, now: datetime) -> datetime:
        if connection.cursor is None:
            return now - self._first_look
        return datetime.fromisoformat(connection.cursor) - self._overlap

    async def _book_order(
        self, connection: PosConnection, order: JsonObject, waiting: list[Sequence[Booked]]
    ) -> int:
        try:
            result = normalize_order(order)
        except InvalidInput as bad:
            logger.warning("Clover reconciliation left out an order: %s", bad)
            return 0
        if isinstance(result, Skip):
            return 0
        try:
            incomplete = await self._book(connection.venue_id, result.booked)
        except InvalidInput as refused:  # say another currency: retrying will not help
            logger.warning("Clover reconciliation could not book %s: %s", result.order_id, refused)
            return 0
        if incomplete is not None:
            waiting.append(result.booked)
        return 1
