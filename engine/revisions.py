"""A receipt's books across its versions (rule 11): the newest version decides, in any order.

`deliver(receipt, catalog, books, already, venue=, now=)` decides what one delivery of a receipt
books, given what the books hold for it (`ReceiptBooks`, None when it was never booked), and
returns the books as they stand after it. Pure; `engine.usecases.ingest` reads, plans and writes.

- Never booked: its lines book at its close (`depletion.book`), as always.
- An older version than the one booked, or the same one again: changes nothing. The same version
  with a line never seen is refused: a sender that edits a receipt must number the edit.
- A newer version: lines it adds book at its close like any receipt's (so the books end the same
  whether it came first or last); a line it changes or drops (or every line, when the newest
  version is not paid) books the difference as a `Correction` dated `now`, when it arrived, on
  that business day: history is never rewritten. The line's refunds follow it
  (`line_books.refund_target`), dated `now` too.
- The receipt counts in sales (`daily_receipts`) while some line of it sells something: the
  delivery that makes it count adds one, one that leaves it nothing sold takes one away.

So a receipt's books depend on the set of its versions delivered, not on their order; only the
dates differ (what a later version changed is dated when it came).
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, replace
from datetime import date, datetime

from engine.catalog_view import CatalogView
from engine.depletion import Booking, Correction, book, book_line
from engine.errors import InvalidInput
from engine.line_books import (
    LineBooks,
    ReceiptBooks,
    difference,
    refund_target,
    restock_target,
)
from engine.money import Cost, Money
from engine.movements import BookedLine, Movement
from engine.receipt import Receipt, ReceiptState, business_day
from engine.refunds import RefundBooking, RefundedLine, after_refund
from engine.venue import Venue


@dataclass(frozen=True, slots=True)
class Delivered:
    """What one delivery books (None: nothing) and the receipt's books after it."""

    booking: Booking | None
    books: ReceiptBooks


def deliver(
    receipt: Receipt,
    catalog: CatalogView,
    books: ReceiptBooks | None,
    already: Set[str],
    *,
    venue: Venue,
    now: datetime,
) -> Delivered:
    if books is None:
        booking = book(receipt, catalog, already, venue=venue)
        return Delivered(booking, _after_first(receipt, booking, already))
    if receipt.version < books.version:
        return Delivered(None, books)
    if receipt.version == books.version:
        seen = books.seen | already
        new = [receipt.key(line) for line in receipt.lines if receipt.key(line) not in seen]
        if new and receipt.state is ReceiptState.PAID:
            raise InvalidInput(
                f"receipt {receipt.receipt_id!r} version {receipt.version} was booked before "
                f"without line {new[0].rsplit(':', 1)[-1]!r}",
                hint="send an edited receipt with a higher version",
            )
        return Delivered(None, books)
    return _revise(receipt, catalog, books, venue=venue, now=now)


def _after_first(receipt: Receipt, booking: Booking, already: Set[str]) -> ReceiptBooks:
    mine = {receipt.key(line) for line in receipt.lines}
    return ReceiptBooks(
        receipt.provider,
        receipt.receipt_id,
        receipt.version,
        receipt.closed_at,
        {line.source_key: LineBooks.of(line) for line in booking.lines},
        frozenset(booking.processed_keys | (mine & already)),
    )


def _revise(
    receipt: Receipt, catalog: CatalogView, books: ReceiptBooks, *, venue: Venue, now: datetime
) -> Delivered:
    paid = receipt.state is ReceiptState.PAID
    fresh = book(receipt, catalog, books.lines.keys(), venue=venue) if paid else None
    if fresh is not None:
        # A line an earlier version left unmapped was tallied then: once per line, however
        # many versions repeat it.
        unseen = tuple(u for u in fresh.unmapped if u.source_key not in books.seen)
        fresh = replace(fresh, unmapped=unseen)
    targets: dict[str, BookedLine] = {}
    for line in receipt.lines if paid else ():
        key = receipt.key(line)
        recipe = catalog.recipe(line.pos_item_id) if key in books.lines else None
        if recipe is not None:
            targets[key] = book_line(key, line, recipe, catalog, venue.currency)
    day = business_day(now, venue.zone, venue.day_cutoff)
    corrections: list[Correction] = []
    refunds: list[RefundedLine] = []
    lines = dict(books.lines)
    for key, current in books.lines.items():
        target = targets.get(key)
        corrections += _corrections(key, current, target, receipt.version, (now, day), venue)
        lines[key] = after = _line_after(current, target)
        change = _refund_change(f"{key}@v{receipt.version}:refunds", after, venue)
        if change is not None:
            refunds.append(change)
            lines[key] = after_refund(after, change)
    if fresh is not None:
        lines.update({line.source_key: LineBooks.of(line) for line in fresh.lines})
    after_books = ReceiptBooks(
        books.provider,
        books.receipt_id,
        receipt.version,
        books.closed_at,
        lines,
        books.seen | (fresh.processed_keys if fresh is not None else frozenset()),
    )
    counted = int(after_books.live) - int(books.live)
    base = fresh or Booking(
        receipt.provider,
        receipt.receipt_id,
        receipt.version,
        receipt.closed_at,
        business_day(receipt.closed_at, venue.zone, venue.day_cutoff),
        venue.currency,
    )
    booking = replace(
        base,
        corrections=tuple(corrections),
        refund_changes=_refund_booking(receipt, refunds, now, day, venue) if refunds else None,
        counted=counted,
        counted_day=base.business_day if counted > 0 and base.lines else day,
    )
    return Delivered(booking, after_books)


def _corrections(
    key: str,
    current: LineBooks,
    target: BookedLine | None,
    version: int,
    when: tuple[datetime, date],
    venue: Venue,
) -> list[Correction]:
    """The rows that take `current` to `target` (None: nothing sold), dated `when`."""
    rows: list[Correction] = []
    if target is not None and target.pos_item_id == current.pos_item_id:
        wanted = {m.product_id: m for m in target.movements}
        quantity = target.quantity - current.quantity
        net = target.net_amount.minor - current.net_amount
        cogs = target.cogs.micro - current.cogs
        moved = difference(wanted, current.movements)
        if quantity or net or cogs or moved:
            row = _row(f"{key}@v{version}", key, target, (quantity, net, cogs), moved, when)
            rows.append(replace(row, lines=_sells(target.quantity) - _sells(current.quantity)))
        return rows
    if current.quantity or current.net_amount or current.cogs or current.movements:
        rows.append(_reversal(f"{key}@v{version}", key, current, when, venue.currency))
    if target is not None:  # the line now sells another POS item: that part books apart
        sums = (target.quantity, target.net_amount.minor, target.cogs.micro)
        row = _row(f"{key}@v{version}+", key, target, sums, target.movements, when)
        rows.append(replace(row, lines=_sells(target.quantity)))
    return rows


def _sells(quantity: int) -> int:
    return 1 if quantity > 0 else 0


def _row(
    source_key: str,
    key: str,
    line: BookedLine,
    sums: tuple[int, int, int],
    movements: tuple[Movement, ...],
    when: tuple[datetime, date],
) -> Correction:
    currency = line.net_amount.currency
    return Correction(
        source_key=source_key,
        line_key=key,
        pos_item_id=line.pos_item_id,
        name=line.name,
        mapping_id=line.mapping_id,
        quantity=sums[0],
        net_amount=Money(sums[1], currency),
        cogs=Cost(sums[2], currency),
        movements=movements,
        modifiers=line.modifiers,
        at=when[0],
        business_day=when[1],
    )


def _reversal(
    source_key: str, key: str, current: LineBooks, when: tuple[datetime, date], currency: str
) -> Correction:
    return Correction(
        source_key=source_key,
        line_key=key,
        pos_item_id=current.pos_item_id,
        name=current.name,
        mapping_id=current.mapping_id,
        quantity=-current.quantity,
        net_amount=Money(-current.net_amount, currency),
        cogs=Cost(-current.cogs, currency),
        movements=difference({}, current.movements),
        modifiers=(),
        at=when[0],
        business_day=when[1],
        lines=-_sells(current.quantity),
    )


def _line_after(current: LineBooks, target: BookedLine | None) -> LineBooks:
    if target is None:
        return replace(current, quantity=0, net_amount=0, cogs=0, movements=())
    return replace(
        current,
        pos_item_id=target.pos_item_id,
        name=target.name,
        mapping_id=target.mapping_id,
        quantity=target.quantity,
        net_amount=target.net_amount.minor,
        cogs=target.cogs.micro,
        movements=target.movements,
    )


def _refund_change(source_key: str, after: LineBooks, venue: Venue) -> RefundedLine | None:
    """The line's refunds brought to what it now sold (rule 12), or None when nothing moves."""
    if not (after.requested_quantity or after.requested_amount or after.restocked):
        return None
    quantity, amount = refund_target(
        after.requested_quantity, after.requested_amount, after.quantity, after.net_amount
    )
    grown = max(0, quantity - after.refunded_quantity)
    restocked = after.restocked_quantity + (grown if venue.restock_refunds else 0)
    restocked = min(restocked, quantity)
    returned = difference(
        restock_target(after.movements, restocked, after.quantity), after.restocked
    )
    if quantity == after.refunded_quantity and amount == after.refunded_amount and not returned:
        return None
    return RefundedLine(
        source_key=source_key,
        sale_key=after.source_key,
        quantity=quantity - after.refunded_quantity,
        amount=Money(amount - after.refunded_amount, venue.currency),
        restocked=venue.restock_refunds or bool(returned),
        returned=returned,
        requested_quantity=0,
        requested_amount=0,
    )


def _refund_booking(
    receipt: Receipt, lines: list[RefundedLine], now: datetime, day: date, venue: Venue
) -> RefundBooking:
    return RefundBooking(
        provider=receipt.provider,
        refund_id=f"{receipt.receipt_id}@v{receipt.version}",
        refunded_at=now,
        business_day=day,
        currency=venue.currency,
        lines=tuple(lines),
    )
