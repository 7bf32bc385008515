"""Booking refunds (rule 10) within what their lines sold (rule 12).

`ingest_refund_in` reads the refunded receipt's lines as booked (sale, corrections, refunds so
far; on PostgreSQL holding its row, so a concurrent refund or correction of the same receipt
waits), books what each refund line may still refund (`engine.refunds.book_refund`), and reports
any excess it refused as a REFUSED alert in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.receipt import Refund, validate_refund
from engine.refunds import RefundedLine, RefusedRefund, book_refund
from engine.usecases.common import VenueRef, load_venue
from engine.usecases.refusals import report_refusal
from engine.venue import Venue


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
    refused: tuple[RefusedRefund, ...] = ()
    """What the refund asked beyond what its lines had left to refund: not booked."""


async def ingest_refund(
    uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef, refund: Refund
) -> RefundResult:
    """Book one refund delivery (rule 10): the amount comes off sales on the refund's business
    day; with the venue's `restock_refunds`, the refunded share of the pour comes back on the
    shelf at `refunded_at`. What it asks beyond what was sold is refused (`refused`)."""
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        result = await ingest_refund_in(uow, place, refund, now=clock.now())
        await uow.commit()
    return result


async def ingest_refund_in(
    uow: UnitOfWork, venue: Venue, refund: Refund, *, now: datetime
) -> RefundResult:
    """`ingest_refund` inside the caller's open unit of work; the caller commits."""
    validate_refund(refund, venue.currency, now)
    receipt = (refund.provider, refund.refund_of)
    books = await uow.sales.receipt_books(venue.id, [receipt], with_lines=[receipt], lock=True)
    sales = books[receipt].lines if receipt in books else {}
    already = await uow.sales.refunded_keys(venue.id, [refund.key(ln) for ln in refund.lines])
    booking = book_refund(refund, sales, already, venue=venue)
    written = await uow.sales.add_refund(venue.id, booking)
    refused = tuple(r for r in booking.refused if r.source_key in written)
    if refused:
        await report_refusal(
            uow,
            venue,
            what=f"part of refund {refund.refund_id}",
            reason="; ".join(r.reason for r in refused),
            key=f"refund:{refund.provider}:{refund.refund_id}",
            now=now,
            note="The rest of the refund was booked: a line's refunds never pass what it sold.",
        )
    lost = [line.source_key for line in booking.lines if line.source_key not in written]
    return RefundResult(
        provider=refund.provider,
        refund_id=refund.refund_id,
        booked=tuple(line for line in booking.lines if line.source_key in written),
        skipped=(*booking.skipped, *lost),
        unmatched=booking.unmatched,
        unrecorded=await _unrecorded(uow, venue, refund, booking.unmatched),
        refused=refused,
    )


async def _unrecorded(
    uow: UnitOfWork, venue: Venue, refund: Refund, unmatched: tuple[str, ...]
) -> tuple[str, ...]:
    if not unmatched:
        return ()
    sale_of = {refund.key(line): refund.sale_key(line) for line in refund.lines}
    seen = await uow.sales.booked_keys(venue.id, [sale_of[key] for key in unmatched])
    return tuple(key for key in unmatched if sale_of[key] not in seen)
