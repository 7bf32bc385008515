"""Booking receipts and refunds from the POS: one transaction each, idempotent.

`ingest_receipt` loads the catalog in effect when the receipt closed, the line keys already
processed, books with `engine.depletion.book`, and writes lines, depletions, unmapped tallies and
rollups with ON CONFLICT DO NOTHING on the source keys, then commits. The same receipt delivered
any number of times, concurrently or in any order, books each line once; a newer version books
only lines never seen; an older one undoes nothing (rule 11).

`ingest_receipt_in`/`ingest_refund_in` do the same inside a unit of work the caller opened and
commits (the inbox worker marks its event done in the same transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import datetime

from engine.catalog_view import CatalogHistory
from engine.depletion import BookedLine, Booking, Unmapped, UnmappedKind, book
from engine.errors import EngineError, InvalidInput
from engine.identity import Adoption
from engine.money import Cost, Money
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.receipt import Receipt, ReceiptState, Refund, validate_receipt, validate_refund
from engine.refunds import RefundedLine, book_refund
from engine.usecases.adopting import (
    adoptions_by_receipt,
    read_adoptions,
    receipt_sightings,
    write_adoptions,
)
from engine.usecases.common import VenueRef, load_venue
from engine.usecases.notify import after_booking
from engine.venue import Venue


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one delivery of a receipt did."""

    provider: str
    receipt_id: str
    state: ReceiptState
    booked: tuple[BookedLine, ...]
    """Lines this call recorded (a concurrent delivery may have recorded others)."""
    skipped: tuple[str, ...]
    """Line keys processed before (or by a concurrent delivery): left alone."""
    unmapped: tuple[Unmapped, ...]
    """Items and modifiers tallied as unmapped by this call."""
    adopted: tuple[Adoption, ...] = ()
    """Mappings made by name that items of this receipt took (engine.identity)."""

    @property
    def net_sales(self) -> Money | None:
        if not self.booked:
            return None
        return sum((b.net_amount for b in self.booked[1:]), self.booked[0].net_amount)

    @property
    def cogs(self) -> Cost | None:
        if not self.booked:
            return None
        return sum((b.cogs for b in self.booked[1:]), self.booked[0].cogs)


@dataclass(frozen=True, slots=True)
class RefundResult:
    provider: str
    refund_id: str
    booked: tuple[RefundedLine, ...]
    skipped: tuple[str, ...]
    unmatched: tuple[str, ...]
    """Refund line keys with no recorded sale line: nothing to reverse (yet)."""
    unrecorded: tuple[str, ...] = ()
    """Those of `unmatched` whose sale line was never seen at all (neither booked nor tallied as
    unmapped): the sale has not arrived yet. Deliveries are unordered (webhooks.md promise 3), so
    the inbox worker keeps such a refund's event and retries it; an unmapped sale, by contrast,
    will never have anything to reverse."""


@dataclass(frozen=True, slots=True)
class IngestFailure:
    provider: str
    receipt_id: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What `ingest_many` did: counts of receipts, refunds and lines, and what it refused."""

    receipts: int
    refunds: int
    booked_lines: int
    skipped_lines: int
    unmapped_lines: int
    failed: tuple[IngestFailure, ...]


async def ingest_receipt(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, receipt: Receipt
) -> IngestResult:
    """Book one receipt delivery in one transaction. Raises `InvalidInput` (a receipt the rules
    cannot book truthfully: wrong currency, negative line, ...), `NotFound` (venue, or a product
    with no cost at close); nothing is written then."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        result = await ingest_receipt_in(uow, place, receipt, now=clock.now())
        await uow.commit()
    return result


async def ingest_receipt_in(
    uow: UnitOfWork, venue: Venue, receipt: Receipt, *, now: datetime
) -> IngestResult:
    """`ingest_receipt` inside the caller's open unit of work; the caller commits."""
    (result,) = await ingest_receipts_in(uow, venue, [receipt], now=now)
    return result


async def ingest_receipts_in(
    uow: UnitOfWork, venue: Venue, receipts: Sequence[Receipt], *, now: datetime
) -> tuple[IngestResult, ...]:
    """Book receipts of one venue inside the caller's unit of work, as one `ingest_receipt_in`
    each in the order given would (a later delivery of a receipt skips the lines an earlier one
    booked), but with one read of the keys already booked, one of the catalog over the span of
    their closes, and a few multi-row writes for all of them. Raises at the first receipt the
    rules refuse (`InvalidInput`, `NotFound`) before writing anything."""
    plan = plan_bookings(venue, receipts, await read_context(uow, venue, receipts))
    return await write_receipts(uow, venue, plan, now=now)


@dataclass(frozen=True, slots=True)
class ReceiptPlan:
    """Receipts and their bookings (by position; paid receipts only), computed by
    `plan_bookings`, written by `write_receipts`."""

    receipts: tuple[Receipt, ...]
    bookings: Mapping[int, Booking]
    adoptions: tuple[Adoption, ...] = ()


@dataclass(frozen=True, slots=True)
class BookingContext:
    """What booking receipts reads: the line keys already booked and each provider's catalog
    over the span of the receipts' closes."""

    already: frozenset[str]
    catalogs: Mapping[str, CatalogHistory]
    adoptions: tuple[Adoption, ...] = ()


async def read_context(
    uow: UnitOfWork, venue: Venue, receipts: Sequence[Receipt]
) -> BookingContext:
    """Validate the paid receipts (raises `InvalidInput`) and read what booking them needs.

    It may run in a unit of work of its own, before `plan_bookings` and the writing one: the inbox
    worker does, so that on SQLite booking in memory holds no write lock. A line some concurrent
    delivery books in between loses its insert at the write and is reported skipped, exactly as
    when everything runs in one transaction."""
    paid = [r for r in receipts if r.state is ReceiptState.PAID]
    for receipt in paid:
        validate_receipt(receipt, venue.currency)
    already = await uow.sales.booked_keys(venue.id, [r.key(ln) for r in paid for ln in r.lines])
    catalogs = {
        provider: await _history(uow, venue, [r for r in paid if r.provider == provider], already)
        for provider in sorted({r.provider for r in paid})
    }
    adoptions, catalogs = await read_adoptions(uow, venue, paid, catalogs)
    return BookingContext(already, catalogs, adoptions)


def plan_bookings(
    venue: Venue, receipts: Sequence[Receipt], context: BookingContext
) -> ReceiptPlan:
    """Book the receipts in memory, in order: a later delivery of a receipt skips the lines an
    earlier one booked. Raises `NotFound` (a product with no cost at a close)."""
    already = set(context.already)
    bookings: dict[int, Booking] = {}
    for index, receipt in enumerate(receipts):
        if receipt.state is ReceiptState.PAID:
            catalog = context.catalogs[receipt.provider].at(receipt.closed_at)
            bookings[index] = booking = book(receipt, catalog, already, venue=venue)
            already |= booking.processed_keys
    return ReceiptPlan(tuple(receipts), bookings, context.adoptions)


async def write_receipts(
    uow: UnitOfWork, venue: Venue, plan: ReceiptPlan, *, now: datetime
) -> tuple[IngestResult, ...]:
    """The writing half of `ingest_receipts_in`: adoptions, lines, depletions, tallies, rollups,
    alerts."""
    paid = [plan.receipts[index] for index in sorted(plan.bookings)]
    await write_adoptions(uow, venue, plan.adoptions, receipt_sightings(paid), now)
    written = await uow.sales.add_bookings(venue.id, list(plan.bookings.values()), now)
    adopted = adoptions_by_receipt(plan.receipts, plan.adoptions)
    results = tuple(
        replace(_result(receipt, plan.bookings.get(index), written), adopted=adopted[index])
        for index, receipt in enumerate(plan.receipts)
    )
    # Alerts (issue 5): outbox rows in this same transaction; Slack is the dispatcher's business.
    await after_booking(
        uow,
        venue,
        [(r.closed_at, result.booked) for r, result in zip(plan.receipts, results, strict=True)],
        [u for result in results for u in result.unmapped],
        now,
    )
    return results


async def _history(
    uow: UnitOfWork, venue: Venue, receipts: Sequence[Receipt], already: Set[str]
) -> CatalogHistory:
    """The catalog of one provider over the span of these receipts' closes, for their lines not
    booked yet."""
    fresh = [line for r in receipts for line in r.lines if r.key(line) not in already]
    return await uow.catalog.history(
        venue.id,
        receipts[0].provider,
        min(r.closed_at for r in receipts),
        max(r.closed_at for r in receipts),
        {line.pos_item_id for line in fresh},
        {m.modifier_id for line in fresh for m in line.modifiers},
    )


def _result(receipt: Receipt, booking: Booking | None, written: Set[str]) -> IngestResult:
    if booking is None:
        return IngestResult(receipt.provider, receipt.receipt_id, receipt.state, (), (), ())
    lost = [key for key in sorted(booking.processed_keys) if key not in written]
    return IngestResult(
        provider=receipt.provider,
        receipt_id=receipt.receipt_id,
        state=receipt.state,
        booked=tuple(line for line in booking.lines if line.source_key in written),
        skipped=(*booking.skipped, *lost),
        unmapped=tuple(u for u in booking.unmapped if u.source_key in written),
    )


async def ingest_refund(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, refund: Refund
) -> RefundResult:
    """Book one refund delivery (rule 10): the amount comes off sales on the refund's business
    day; with the venue's `restock_refunds`, the refunded share of the pour comes back on the
    shelf at `refunded_at`. Raises `InvalidInput` (refunds more than was sold)."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        result = await ingest_refund_in(uow, place, refund, now=clock.now())
        await uow.commit()
    return result


async def ingest_refund_in(
    uow: UnitOfWork, venue: Venue, refund: Refund, *, now: datetime
) -> RefundResult:
    """`ingest_refund` inside the caller's open unit of work; the caller commits."""
    validate_refund(refund, venue.currency)
    already = await uow.sales.refunded_keys(venue.id, [refund.key(ln) for ln in refund.lines])
    sales = await uow.sales.sale_lines(venue.id, [refund.sale_key(ln) for ln in refund.lines])
    booking = book_refund(refund, sales, already, venue=venue)
    written = await uow.sales.add_refund(venue.id, booking)
    lost = [line.source_key for line in booking.lines if line.source_key not in written]
    return RefundResult(
        provider=refund.provider,
        refund_id=refund.refund_id,
        booked=tuple(line for line in booking.lines if line.source_key in written),
        skipped=(*booking.skipped, *lost),
        unmatched=booking.unmatched,
        unrecorded=await _unrecorded(uow, venue, refund, booking.unmatched),
    )


async def _unrecorded(
    uow: UnitOfWork, venue: Venue, refund: Refund, unmatched: tuple[str, ...]
) -> tuple[str, ...]:
    if not unmatched:
        return ()
    sale_of = {refund.key(line): refund.sale_key(line) for line in refund.lines}
    seen = await uow.sales.booked_keys(venue.id, [sale_of[key] for key in unmatched])
    return tuple(key for key in unmatched if sale_of[key] not in seen)


async def ingest_many(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    documents: Iterable[Receipt | Refund],
    *,
    batch_size: int = 200,
) -> IngestSummary:
    """Import: receipts and refunds in transactions of up to `batch_size`. A document the rules
    refuse is listed in `failed` and the rest of its batch still books (the batch is retried one
    by one); idempotent like `ingest_receipt`, so an import can be re-run."""
    if batch_size < 1:
        raise InvalidInput("a batch holds at least one document")
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
    tally = _Tally()
    batch: list[Receipt | Refund] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= batch_size:
            await _import_batch(uow_factory, clock, place, batch, tally)
            batch = []
    if batch:
        await _import_batch(uow_factory, clock, place, batch, tally)
    return tally.summary()


@dataclass
class _Tally:
    receipts: int = 0
    refunds: int = 0
    booked: int = 0
    skipped: int = 0
    unmapped: int = 0
    failed: list[IngestFailure] = field(default_factory=list)

    def add(self, result: IngestResult | RefundResult) -> None:
        if isinstance(result, IngestResult):
            self.receipts += 1
            self.unmapped += sum(1 for u in result.unmapped if u.kind is UnmappedKind.ITEM)
        else:
            self.refunds += 1
        self.booked += len(result.booked)
        self.skipped += len(result.skipped)

    def summary(self) -> IngestSummary:
        return IngestSummary(
            self.receipts,
            self.refunds,
            self.booked,
            self.skipped,
            self.unmapped,
            tuple(self.failed),
        )


async def ingest_documents_in(
    uow: UnitOfWork, venue: Venue, documents: Sequence[Receipt | Refund], *, now: datetime
) -> list[IngestResult | RefundResult]:
    """Receipts and refunds in the order given, inside the caller's unit of work: each run of
    receipts books together (`ingest_receipts_in`), each refund after what precedes it."""
    results: list[IngestResult | RefundResult] = []
    run: list[Receipt] = []
    for document in [*documents, None]:
        if isinstance(document, Receipt):
            run.append(document)
            continue
        if run:
            results += await ingest_receipts_in(uow, venue, run, now=now)
            run = []
        if document is not None:
            results.append(await ingest_refund_in(uow, venue, document, now=now))
    return results


async def _import_batch(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: Venue,
    batch: list[Receipt | Refund],
    tally: _Tally,
) -> None:
    try:
        async with uow_factory() as uow:
            results = await ingest_documents_in(uow, venue, batch, now=clock.now())
            await uow.commit()
    except EngineError:
        for document in batch:  # one by one: the sound ones book, the refused are listed
            try:
                async with uow_factory() as uow:
                    (result,) = await ingest_documents_in(uow, venue, [document], now=clock.now())
                    await uow.commit()
            except EngineError as error:
                ident = document.receipt_id if isinstance(document, Receipt) else document.refund_id
                tally.failed.append(IngestFailure(document.provider, ident, error.code, str(error)))
            else:
                tally.add(result)
        return
    for result in results:
        tally.add(result)
