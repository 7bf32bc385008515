"""Reconciliation (webhooks.md promise 6): poll each connected shop for orders the webhooks
missed.

For each connected shop, `GET orders.json` for orders of any status updated in
[cursor - overlap, now], page by page (the `Link` header's `page_info` cursor); each order goes
through the webhook's normaliser and location rule (`ShopifyProvider.normalize`,
`for_connection`) and is booked through the same idempotent path (one transaction per order), so
an order the webhooks already booked books nothing, and its `refunds[]` book too. Then the cursor
moves to `now`, the window's end.

- The overlap (10 minutes) covers clocks that disagree and orders whose `updated_at` was set
  just before the last run ended but committed after it.
- A shop never polled starts `first_look` (a day) back.
- One shop failing (token revoked, Shopify down after the client's own 429 waits) is logged and
  leaves its cursor alone, so the next run retries the same window; the other shops go on.
- An order that cannot be normalised is logged and left out (its webhook, if any, is in
  `barback events --failed`); it does not hold the cursor back forever.
- A refund whose sale is booked later in the same window is booked again at the end of the run.
- Once per slot across processes, as Square's: each venue's run in a slot of `every` (5 minutes)
  is claimed in `job_runs`, and the other processes skip it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from engine.connections import ConnectionRepository, PosConnection
from engine.errors import InvalidInput
from integrations.provider import Booked, Skip, TokenSource
from integrations.reconcile import BookOrder, JobRuns
from integrations.shopify import fields as f
from integrations.shopify.client import ShopifyClient
from integrations.shopify.provider import ShopifyProvider, for_connection
from integrations.shopify.refunds import PROVIDER

logger = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
FIRST_LOOK = timedelta(days=1)
EVERY = timedelta(minutes=5)
JOB = "shopify-reconcile"
KEEP_RUNS = timedelta(days=2)


@dataclass(frozen=True, slots=True)
class Reconciled:
    shop: str
    orders: int
    booked: int
    failed: bool = False


class ShopifyReconciler:
    def __init__(
        self,
        client: ShopifyClient,
        provider: ShopifyProvider,
        tokens: TokenSource,
        connections: ConnectionRepository,
        book: BookOrder,
        now: Callable[[], datetime],
        *,
        overlap: timedelta = OVERLAP,
        first_look: timedelta = FIRST_LOOK,
        runs: JobRuns | None = None,
        every: timedelta = EVERY,
    ) -> None:
        """`runs`: claim each venue's slot so one process in many runs it (None: always run)."""
        self._client = client
        self._provider = provider
        self._tokens = tokens
        self._connections = connections
        self._book = book
        self._now = now
        self._overlap = overlap
        self._first_look = first_look
        self._runs = runs
        self._every = every

    async def run(self) -> list[Reconciled]:
        """Reconcile every connected shop whose venue's slot this call claims."""
        results = []
        now = self._now()
        seconds = self._every.total_seconds()
        start = datetime.fromtimestamp(now.timestamp() // seconds * seconds, UTC)
        job, day = f"{JOB}@{start:%H:%M:%S}", start.date()
        by_venue: dict[int, list[PosConnection]] = {}
        for connection in await self._connections.all(PROVIDER):
            by_venue.setdefault(connection.venue_id, []).append(connection)
        for venue_id, connections in by_venue.items():
            if not await self._claim(job, venue_id, day):
                continue
            for connection in connections:
                results.append(await self._guarded(connection))
            await self._finish(job, venue_id, day)
        return results

    async def _claim(self, job: str, venue_id: int, day: date) -> bool:
        """Claim the venue's slot (always True without `runs`); a database that does not
        answer makes this tick do nothing."""
        if self._runs is None:
            return True
        try:
            return await self._runs.claim(job, venue_id, day, self._now())
        except Exception as error:
            logger.warning("Shopify reconciliation: no claim (%s)", type(error).__name__)
            return False

    async def _finish(self, job: str, venue_id: int, day: date) -> None:
        if self._runs is None:
            return
        try:
            await self._runs.finish(job, venue_id, day, self._now())
            await self._runs.prune(JOB + "@", venue_id, day - KEEP_RUNS)
        except Exception as error:  # the run is done; only its bookkeeping is missing
            logger.warning("Shopify reconciliation: run not recorded (%s)", type(error).__name__)

    async def _guarded(self, connection: PosConnection) -> Reconciled:
        try:
            return await self.reconcile(connection)
        except Exception as error:
            logger.warning(
                "Shopify reconciliation failed: %s",
                type(error).__name__,
                extra={"shop": connection.merchant_id},
            )
            return Reconciled(connection.merchant_id, 0, 0, failed=True)

    async def reconcile(self, connection: PosConnection) -> Reconciled:
        now = self._now()
        shop = connection.merchant_id
        since = (
            now - self._first_look
            if connection.cursor is None
            else datetime.fromisoformat(connection.cursor) - self._overlap
        )
        token = await self._tokens.access_token(PROVIDER, shop)
        orders = booked = 0
        waiting: list[Sequence[Booked]] = []
        page_info: str | None = None
        while True:
            page = await self._client.orders_page(shop, token, since, now, page_info)
            for order in page.orders:
                orders += 1
                booked += await self._book_order(connection, order, waiting)
            page_info = page.next_page
            if page_info is None:
                break
        for documents in waiting:  # refunds whose sale came later in the window
            try:
                still = await self._book(connection.venue_id, documents)
            except InvalidInput:
                continue
            if still is not None:
                logger.warning("Shopify reconciliation: %s", still.reason, extra={"shop": shop})
        await self._connections.set_cursor(PROVIDER, shop, now.isoformat(), now)
        logger.info(
            "Shopify reconciled: %d orders, %d booked", orders, booked, extra={"shop": shop}
        )
        return Reconciled(shop, orders, booked)

    async def _book_order(
        self, connection: PosConnection, order: f.JsonObject, waiting: list[Sequence[Booked]]
    ) -> int:
        try:
            result = self._provider.normalize(order)
        except InvalidInput as bad:
            logger.warning("Shopify reconciliation left out an order: %s", bad)
            return 0
        if isinstance(result, Skip):
            return 0
        documents = for_connection(result, connection)
        if isinstance(documents, Skip):
            return 0
        try:
            incomplete = await self._book(connection.venue_id, documents)
        except InvalidInput as refused:  # say another currency: retrying will not help
            logger.warning("Shopify reconciliation could not book %s: %s", result.order_id, refused)
            return 0
        if incomplete is not None:
            waiting.append(documents)
        return 1
