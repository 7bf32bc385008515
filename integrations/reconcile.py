"""Reconciliation (webhooks.md promise 6): poll Square for orders the webhooks missed.

For each connected merchant, `SearchOrders` for COMPLETED orders updated in
[cursor - overlap, now], page by page; each order is normalised and booked through the same
idempotent path as a webhook's (one transaction per order), so an order the webhooks already
booked books nothing. Then the cursor moves to `now`, the window's end.

- The overlap (10 minutes) covers Square's eventually consistent search index and clocks that
  disagree: an order updated just before the last run's end but indexed after it is seen again.
- A merchant never polled starts `first_look` (a day) back.
- One merchant failing (token revoked, Square down) is logged and leaves its cursor alone, so
  the next run retries the same window; the other merchants go on.
- An order that cannot be normalised is logged and left out (its webhook, if any, is in
  `barback events --failed`); it does not hold the cursor back forever.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from engine.connections import ConnectionRepository, PosConnection
from engine.errors import InvalidInput
from integrations.provider import Booked, Skip, TokenSource
from integrations.square.client import MAX_LOCATIONS, SquareClient
from integrations.square.normalize import PROVIDER, normalize_order

logger = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=10)
FIRST_LOOK = timedelta(days=1)

BookOrder = Callable[[int, Sequence[Booked]], Awaitable[None]]
"""`book(venue_id, documents)`: book one order's receipts/refunds in one transaction."""


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
    ) -> None:
        self._client = client
        self._tokens = tokens
        self._connections = connections
        self._book = book
        self._now = now
        self._overlap = overlap
        self._first_look = first_look

    async def run(self) -> list[Reconciled]:
        results = []
        for connection in await self._connections.all(PROVIDER):
            try:
                results.append(await self.reconcile(connection))
            except Exception as error:
                logger.warning(
                    "Square reconciliation failed: %s",
                    type(error).__name__,
                    extra={"merchant": connection.merchant_id},
                )
                results.append(Reconciled(connection.merchant_id, 0, 0, failed=True))
        return results

    async def reconcile(self, connection: PosConnection) -> Reconciled:
        now = self._now()
        since = self._since(connection, now)
        token = await self._tokens.access_token(PROVIDER, connection.merchant_id)
        orders = booked = 0
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
                    booked += await self._book_order(connection, order)
                cursor = page.cursor
                if cursor is None:
                    break
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

    async def _book_order(self, connection: PosConnection, order: object) -> int:
        try:
            result = normalize_order(order)  # type: ignore[arg-type]
        except InvalidInput as bad:
            logger.warning("Square reconciliation left out an order: %s", bad)
            return 0
        if isinstance(result, Skip):
            return 0
        try:
            await self._book(connection.venue_id, result.booked)
        except InvalidInput as refused:  # say another currency: retrying will not help
            logger.warning("Square reconciliation could not book %s: %s", result.order_id, refused)
            return 0
        return 1
