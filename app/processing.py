"""Building the event processor: readers per provider, and the booking transaction.

`book` is the one transaction of webhooks.md promise 3: the receipts and refunds of an event are
booked with `ingest_receipt_in`/`ingest_refund_in` and the event is marked done with
`mark_done_in`, all on one unit of work, so a crash leaves either both or neither.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from app.webhook_metrics import WebhookMetrics
from engine.inbox import DEFAULT_RETRY, RetryPolicy, StoredEvent
from engine.receipt import Receipt
from engine.usecases.ingest import ingest_receipt_in, ingest_refund_in
from engine.venue import VenueId
from integrations.processing import BookFn, EventProcessor, EventReader, GenericReader, Read
from integrations.provider import Booked
from integrations.reconcile import BookOrder
from storage.database import Database
from storage.inbox import SqlInbox, mark_done_in
from storage.unit_of_work import SqlUnitOfWork


async def _book_in(
    uow: SqlUnitOfWork, venue_id: int, documents: Sequence[Booked], now: datetime
) -> None:
    venue = await uow.venues.by_id(VenueId(venue_id))
    for document in documents:
        if isinstance(document, Receipt):
            await ingest_receipt_in(uow, venue, document, now=now)
        else:
            await ingest_refund_in(uow, venue, document, now=now)


def booker(database: Database) -> BookFn:
    async def book(event: StoredEvent, read: Read, owner: str, now: datetime) -> bool:
        async with database.unit_of_work() as uow:
            await _book_in(uow, read.venue_id, read.documents, now)
            done = await mark_done_in(uow.connection, event.id, owner, now)
            await uow.commit()
        return done

    return book


def order_booker(database: Database, now: Callable[[], datetime]) -> BookOrder:
    """Reconciliation's booking: one polled order, one transaction, no inbox event."""

    async def book(venue_id: int, documents: Sequence[Booked]) -> None:
        async with database.unit_of_work() as uow:
            await _book_in(uow, venue_id, documents, now())
            await uow.commit()

    return book


def event_processor(
    database: Database,
    now: Callable[[], datetime],
    metrics: WebhookMetrics | None,
    *,
    readers: dict[str, EventReader] | None = None,
    retry: RetryPolicy = DEFAULT_RETRY,
) -> EventProcessor:
    all_readers: dict[str, EventReader] = {"generic": GenericReader()}
    all_readers.update(readers or {})
    return EventProcessor(
        SqlInbox(database.engine, retry=retry),
        all_readers,
        booker(database),
        now,
        on_outcome=None if metrics is None else metrics.processed,
    )
