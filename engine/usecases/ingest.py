"""Booking receipts and refunds from the POS: one transaction each, idempotent.

`ingest_receipt` loads the catalog in effect when the receipt closed, what the books already hold
for the receipt (the newest version booked; its lines when this one is newer), decides with
`engine.revisions.deliver`, and writes the receipt's version, lines, corrections, depletions,
unmapped tallies and rollups, then commits. The same receipt delivered any number of times,
concurrently or in any order, counts once; its newest version decides its lines, a change to a
booked line books forward as a correction, and an older version changes nothing (rule 11).

`ingest_receipt_in`/`ingest_refund_in` do the same inside a unit of work the caller opened and
commits (the inbox worker marks its event done in the same transaction).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from datetime import datetime

from engine import bounds
from engine.catalog import ModifierId, ModifierRule, PosItemId, ProductCost, ProductId, Recipe
from engine.catalog_view import CatalogHistory, CatalogView
from engine.depletion import Booking, Correction, Unmapped
from engine.errors import InvalidInput
from engine.identity import Adoption
from engine.line_books import ReceiptBooks, VersionClaim
from engine.money import Cost, Money
from engine.movements import BookedLine
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.receipt import Receipt, ReceiptState, Refund, business_day, validate_receipt
from engine.revisions import deliver
from engine.usecases.adopting import (
    adoptions_by_receipt,
    read_adoptions,
    receipt_sightings,
    write_adoptions,
)
from engine.usecases.common import VenueRef, load_venue
from engine.usecases.notify import after_booking
from engine.usecases.refunding import RefundResult, ingest_refund, ingest_refund_in
from engine.venue import Venue

__all__ = [
    "IngestResult",
    "RefundResult",
    "ingest_documents_in",
    "ingest_receipt",
    "ingest_receipt_in",
    "ingest_receipts_in",
    "ingest_refund",
    "ingest_refund_in",
    "plan_bookings",
    "read_context",
    "write_receipts",
]


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
    corrected: tuple[Correction, ...] = ()
    """What a newer version changed on lines booked before, booked forward by this call."""
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
    each in the order given would (a later delivery of a receipt finds what an earlier one
    booked), but with one read of what is booked already, one of the catalog over the span of
    their closes, and a few multi-row writes for all of them. Raises at the first receipt the
    rules refuse (`InvalidInput`, `NotFound`) before writing anything."""
    context = await read_context(uow, venue, receipts, now=now)
    return await write_receipts(uow, venue, plan_bookings(venue, receipts, context, now=now))


@dataclass(frozen=True, slots=True)
class ReceiptPlan:
    """Receipts and their bookings (by position), computed by `plan_bookings`, written by
    `write_receipts` with the receipts' version changes (`claims`) and dated `now`."""

    receipts: tuple[Receipt, ...]
    bookings: Mapping[int, Booking]
    claims: tuple[VersionClaim, ...] = ()
    now: datetime | None = None
    adoptions: tuple[Adoption, ...] = ()


@dataclass(frozen=True, slots=True)
class BookingContext:
    """What booking receipts reads: the line keys already processed, what the books hold for
    the receipts (every version booked; lines of those a newer version of which came), and
    each provider's catalog over the span of the receipts' closes."""

    already: frozenset[str]
    catalogs: Mapping[str, CatalogHistory]
    books: Mapping[tuple[str, str], ReceiptBooks] = field(default_factory=dict)
    adoptions: tuple[Adoption, ...] = ()


async def read_context(
    uow: UnitOfWork, venue: Venue, receipts: Sequence[Receipt], *, now: datetime | None = None
) -> BookingContext:
    """Validate the receipts (raises `InvalidInput`; a close more than a day ahead of `now`
    too) and read what booking them needs.

    It may run in a unit of work of its own, before `plan_bookings` and the writing one: the inbox
    worker does, so that on SQLite booking in memory holds no write lock. A receipt some
    concurrent delivery books in between is found at the write (its version moved): this one
    gives way or is retried (`Conflict`), exactly as when everything runs in one transaction."""
    paid = [r for r in receipts if r.state is ReceiptState.PAID]
    for receipt in receipts:
        _validate(receipt, venue, now)
    books = await _books(uow, venue, receipts)
    # A line is booked or tallied in the transaction that writes its receipt's row, so only the
    # lines of receipts with a row can have been processed (receipts of only unmapped lines
    # booked before revision 0007 have none: their tallies are kept once by `unmapped_lines`).
    known = [r.key(ln) for r in paid if (r.provider, r.receipt_id) in books for ln in r.lines]
    already = await uow.sales.booked_keys(venue.id, known)
    revising = {key for key, b in books.items() if b.lines or _newer(receipts, b)}
    catalogs = {
        provider: await _history(
            uow, venue, [r for r in paid if r.provider == provider], already, revising
        )
        for provider in sorted({r.provider for r in paid})
    }
    adoptions, catalogs = await read_adoptions(uow, venue, paid, catalogs)
    return BookingContext(already, catalogs, books, adoptions)


def plan_bookings(
    venue: Venue, receipts: Sequence[Receipt], context: BookingContext, *, now: datetime
) -> ReceiptPlan:
    """Book the receipts in memory, in order: a later delivery of a receipt finds what an
    earlier one booked (`engine.revisions.deliver`). Raises `NotFound` (a product with no cost
    at a close), `InvalidInput` (a line out of bounds, a version re-sent with other lines)."""
    state = dict(context.books)
    bookings: dict[int, Booking] = {}
    for index, receipt in enumerate(receipts):
        history = context.catalogs.get(receipt.provider)
        catalog = _NO_CATALOG if history is None else history.at(receipt.closed_at)
        key = (receipt.provider, receipt.receipt_id)
        done = deliver(receipt, catalog, state.get(key), context.already, venue=venue, now=now)
        state[key] = done.books
        if done.booking is not None:
            bookings[index] = done.booking
    claims = tuple(
        _claim(venue, context.books.get(key), books)
        for key, books in state.items()
        if key not in context.books or context.books[key].version != books.version
    )
    return ReceiptPlan(tuple(receipts), bookings, claims, now, context.adoptions)


async def write_receipts(
    uow: UnitOfWork, venue: Venue, plan: ReceiptPlan, *, now: datetime | None = None
) -> tuple[IngestResult, ...]:
    """The writing half of `ingest_receipts_in`: adoptions, versions, lines, corrections,
    depletions, tallies, rollups, alerts."""
    at = now or plan.now
    if at is None:
        raise ValueError("write_receipts needs the time of the booking")
    paid = [r for r in plan.receipts if r.state is ReceiptState.PAID]
    await write_adoptions(uow, venue, plan.adoptions, receipt_sightings(paid), at)
    bookings = list(plan.bookings.values())
    written = await uow.sales.add_bookings(venue.id, bookings, at, claims=plan.claims)
    adopted = adoptions_by_receipt(plan.receipts, plan.adoptions)
    results = tuple(
        replace(_result(receipt, plan.bookings.get(index), written), adopted=adopted[index])
        for index, receipt in enumerate(plan.receipts)
    )
    # Alerts (issue 5): outbox rows in this same transaction; Slack is the dispatcher's business.
    await after_booking(
        uow,
        venue,
        [(r.closed_at, result.booked) for r, result in zip(plan.receipts, results, strict=True)]
        + [(c.at, [_as_line(c)]) for result in results for c in result.corrected],
        [u for result in results for u in result.unmapped],
        at,
    )
    return results


def _validate(receipt: Receipt, venue: Venue, now: datetime | None) -> None:
    if receipt.state is ReceiptState.PAID:
        validate_receipt(receipt, venue.currency, now)
        return
    bounds.text(receipt.receipt_id, "receipt id")  # a receipt that sells nothing: its header
    bounds.instant(receipt.closed_at, f"receipt {receipt.receipt_id!r} closed_at", now)
    bounds.version(receipt.version, f"receipt {receipt.receipt_id!r} version")


def _newer(receipts: Sequence[Receipt], books: ReceiptBooks) -> bool:
    return any(
        r.version > books.version for r in receipts if (r.provider, r.receipt_id) == books.key
    )


async def _books(
    uow: UnitOfWork, venue: Venue, receipts: Sequence[Receipt]
) -> Mapping[tuple[str, str], ReceiptBooks]:
    """What the books hold for these receipts; with their lines where a newer version came."""
    keys = {(r.provider, r.receipt_id) for r in receipts}
    books = await uow.sales.receipt_books(venue.id, keys)
    newer = sorted(key for key, b in books.items() if _newer(receipts, b))
    if not newer:
        return books
    return {**books, **await uow.sales.receipt_books(venue.id, newer, with_lines=newer)}


def _claim(venue: Venue, before: ReceiptBooks | None, after: ReceiptBooks) -> VersionClaim:
    return VersionClaim(
        provider=after.provider,
        receipt_id=after.receipt_id,
        prior=None if before is None else before.version,
        version=after.version,
        closed_at=after.closed_at,
        business_day=business_day(after.closed_at, venue.zone, venue.day_cutoff),
        currency=venue.currency,
        refund_mark=before.refund_mark if before is not None and before.lines else None,
    )


def _as_line(correction: Correction) -> BookedLine:
    """A correction as the alerts read a booked line (its movements)."""
    return BookedLine(
        correction.source_key,
        correction.line_key,
        correction.pos_item_id,
        correction.name,
        correction.mapping_id,
        correction.quantity,
        correction.net_amount,
        correction.cogs,
        correction.modifiers,
        correction.movements,
    )


class _NoCatalog:
    """The catalog of a provider none of whose receipts in a batch is paid: never read."""

    def recipe(self, pos_item_id: PosItemId) -> Recipe | None:
        return None

    def rule(self, modifier_id: ModifierId) -> ModifierRule | None:
        return None

    def cost(self, product_id: ProductId) -> ProductCost:
        raise InvalidInput(f"no catalog was read for product {product_id}")


_NO_CATALOG: CatalogView = _NoCatalog()


async def _history(
    uow: UnitOfWork,
    venue: Venue,
    receipts: Sequence[Receipt],
    already: Set[str],
    revising: Set[tuple[str, str]],
) -> CatalogHistory:
    """The catalog of one provider over the span of these receipts' closes, for their lines not
    booked yet and every line of a receipt a newer version of which revises it."""
    wanted = [
        line
        for r in receipts
        for line in r.lines
        if r.key(line) not in already or (r.provider, r.receipt_id) in revising
    ]
    return await uow.catalog.history(
        venue.id,
        receipts[0].provider,
        min(r.closed_at for r in receipts),
        max(r.closed_at for r in receipts),
        {line.pos_item_id for line in wanted},
        {m.modifier_id for line in wanted for m in line.modifiers},
    )


def _result(receipt: Receipt, booking: Booking | None, written: Set[str]) -> IngestResult:
    if booking is None:
        keys = tuple(receipt.key(line) for line in receipt.lines)
        return IngestResult(receipt.provider, receipt.receipt_id, receipt.state, (), keys, ())
    lost = [key for key in sorted(booking.processed_keys) if key not in written]
    return IngestResult(
        provider=receipt.provider,
        receipt_id=receipt.receipt_id,
        state=receipt.state,
        booked=tuple(line for line in booking.lines if line.source_key in written),
        skipped=(*booking.skipped, *lost),
        unmapped=tuple(u for u in booking.unmapped if u.source_key in written),
        corrected=tuple(c for c in booking.corrections if c.source_key in written),
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
