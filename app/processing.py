"""Building the event processor: readers per provider, and the booking transaction.

`book` is the one transaction of webhooks.md promise 3: the receipts and refunds of an event are
booked with `ingest_documents_in` and the event is marked done with
`mark_done_in`, all on one unit of work, so a crash leaves either both or neither.

`batch_booker` books many events of one venue that stand for receipts only (what the inbox worker
books a claimed batch with): `read_context` in a short unit of work, `plan_bookings` in memory with
no transaction open, then `write_receipts` + `mark_all_done_in` in one transaction. On SQLite only
the reading and the writing hold the write turn the inbox writer needs to answer webhooks.

A refund whose sale has not been recorded yet (`RefundResult.unrecorded`: delivered before the
sale) commits what it could book but does not mark the event done: `book` answers `Waiting`, and
the processor leaves the event pending for a retry (`integrations.processing`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from app.webhook_metrics import WebhookMetrics
from engine.inbox import DEFAULT_RETRY, EventId, RetryPolicy, StoredEvent
from engine.menu import Menu
from engine.receipt import Receipt
from engine.usecases.ingest import (
    IngestResult,
    RefundResult,
    ingest_documents_in,
    plan_bookings,
    read_context,
    write_receipts,
)
from engine.usecases.menus import record_menu_in
from engine.usecases.refusals import event_refused
from engine.venue import VenueId
from integrations.polling import BookOrder
from integrations.processing import (
    BookFn,
    BookManyFn,
    EventProcessor,
    EventReader,
    GenericReader,
    Read,
    RefusedFn,
    Waiting,
)
from integrations.provider import Booked
from storage.database import Database
from storage.inbox import SqlInbox, mark_all_done_in, mark_done_in
from storage.outage import is_unavailable
from storage.unit_of_work import SqlUnitOfWork

logger = logging.getLogger(__name__)


async def _book_in(
    uow: SqlUnitOfWork, venue_id: int, documents: Sequence[Booked], now: datetime
) -> tuple[Waiting | None, str | None]:
    """Book the documents (a menu is recorded); `Waiting` when a refund's sale has not been
    recorded yet, and what of them was refused (a refund's excess over its sale), for the
    event's record."""
    venue = await uow.venues.by_id(VenueId(venue_id))
    for menu in (d for d in documents if isinstance(d, Menu)):
        result = await record_menu_in(uow, venue, menu, now=now, actor=f"pos:{menu.provider}")
        logger.info(
            "menu recorded: %d items, %d modifiers, %d new, %d renamed, %d adopted",
            result.items,
            result.modifiers,
            result.new,
            result.renamed,
            len(result.adopted),
            extra={"venue": venue.slug, "provider": menu.provider},
        )
    sales = [d for d in documents if not isinstance(d, Menu)]
    results = await ingest_documents_in(uow, venue, sales, now=now)
    return waiting(results), refused(results)


def refused(results: Sequence[IngestResult | RefundResult]) -> str | None:
    """The refund lines refused for asking beyond their sale, in a sentence; None when none."""
    reasons = [
        r.reason for result in results if isinstance(result, RefundResult) for r in result.refused
    ]
    return ("refused in part: " + "; ".join(reasons)) if reasons else None


def waiting(results: Sequence[IngestResult | RefundResult]) -> Waiting | None:
    """Why these bookings are incomplete (refund lines whose sale is unknown), or None."""
    pending = [
        (result.refund_id, key)
        for result in results
        if isinstance(result, RefundResult)
        for key in result.unrecorded
    ]
    if not pending:
        return None
    refunds = ", ".join(dict.fromkeys(refund_id for refund_id, _ in pending))
    return Waiting(
        f"sale not recorded yet: refund {refunds} returns {len(pending)} line(s) of a sale "
        "barback has not booked"
    )


def booker(database: Database) -> BookFn:
    async def book(event: StoredEvent, read: Read, owner: str, now: datetime) -> bool | Waiting:
        async with database.unit_of_work() as uow:
            incomplete, note = await _book_in(uow, read.venue_id, read.documents, now)
            # Incomplete: commit the lines that could book, leave the event pending (a retry
            # skips them by their keys and books the rest once the sale is in).
            done = incomplete is None and await mark_done_in(
                uow.connection, event.id, owner, now, note=note
            )
            await uow.commit()
        return done if incomplete is None else incomplete

    return book


def batch_booker(database: Database) -> BookManyFn:
    async def book_many(
        reads: Sequence[tuple[StoredEvent, Read]], owner: str, now: datetime
    ) -> set[EventId]:
        (venue_id,) = {read.venue_id for _, read in reads}
        receipts = [d for _, read in reads for d in read.documents if isinstance(d, Receipt)]
        if len(receipts) != sum(len(read.documents) for _, read in reads):
            raise TypeError("a batch books receipts only")
        async with database.unit_of_work() as uow:
            venue = await uow.venues.by_id(VenueId(venue_id))
            context = await read_context(uow, venue, receipts, now=now)
        # No transaction is open, so no lock is held; on a thread, the event loop (webhooks) gets
        # the interpreter back every switch interval instead of waiting out the whole batch.
        plan = await asyncio.to_thread(partial(plan_bookings, now=now), venue, receipts, context)
        async with database.unit_of_work() as uow:
            await write_receipts(uow, venue, plan, now=now)
            done = await mark_all_done_in(uow.connection, [e.id for e, _ in reads], owner, now)
            await uow.commit()
        return done

    return book_many


def order_booker(database: Database, now: Callable[[], datetime]) -> BookOrder:
    """Reconciliation's booking: one polled order, one transaction, no inbox event. `Waiting`
    when a return in it refunds a sale not booked yet."""

    async def book(venue_id: int, documents: Sequence[Booked]) -> Waiting | None:
        async with database.unit_of_work() as uow:
            incomplete, _ = await _book_in(uow, venue_id, documents, now())
            await uow.commit()
        return incomplete

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
        book_many=batch_booker(database),
        on_outcome=None if metrics is None else metrics.processed,
        on_refused=refusal_alerts(database, now),
        unavailable=is_unavailable,
    )


def refusal_alerts(database: Database, now: Callable[[], datetime]) -> RefusedFn:
    """A REFUSED alert for an event failed for good (`engine.usecases.refusals`)."""

    async def on_refused(event: StoredEvent, reason: str) -> None:
        what = f"{event.provider} event {event.dedupe_key.split(':', 1)[-1]}"
        key = f"event:{event.provider}:{event.dedupe_key}"
        await event_refused(
            database.unit_of_work,
            int(event.venue_id or 0),
            what=what,
            reason=reason,
            key=key,
            now=now(),
        )

    return on_refused
