"""Booking a refund of a recorded sale (rule 10): the sales amount goes back; the drink does not.

Decisions where the rules are silent:
- A refund line is matched to the recorded sale line by `provider:receipt:line`. A refund of a line
  that was never recorded as a sale (unmapped, or not yet seen) is listed in `unmatched` and
  books nothing: there is no sale to reverse.
- The refunds of a line never pass what it sold, in quantity or in money, across all its refunds
  and after corrections (rule 12, `line_books.refund_target`). A refund that asks for more books
  what is left and the excess is refused: listed in `refused`, reported to the venue. What it
  asked is kept (`requested`), so a newer version of the receipt that raises the line lets the
  excess back: the books depend on which refunds and versions arrived, not on their order.
- Without `restock_refunds` COGS stays: the drink was poured and its cost was incurred.
  With it, the refunded share of each product the line depleted comes back on the shelf at
  `refunded_at`, and the same share of its recorded COGS is reversed (at the cost recorded with the
  sale, not today's), rounded half-even on the line's total (`line_books.restock_target`).
- Idempotency as for receipts: each refund line has its own key; keys in `already_booked` are
  skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass, replace
from datetime import date, datetime

from engine.line_books import LineBooks, difference, refund_target, restock_target
from engine.money import Cost, Money
from engine.movements import Movement
from engine.receipt import Refund, business_day, validate_refund
from engine.venue import Venue


@dataclass(frozen=True, slots=True)
class RefundedLine:
    source_key: str
    sale_key: str
    quantity: int
    """Milli-units refunded by this row (negative: a correction gave some back to the sale)."""
    amount: Money
    restocked: bool
    returned: tuple[Movement, ...]
    """Products back on the shelf (positive quantities) and the COGS reversed with them."""
    requested_quantity: int | None = None
    """What the refund asked for (None: what it booked)."""
    requested_amount: int | None = None


@dataclass(frozen=True, slots=True)
class RefusedRefund:
    """The part of a refund line beyond what its sale line has left to refund."""

    source_key: str
    quantity: int
    amount: int
    reason: str


@dataclass(frozen=True, slots=True)
class RefundBooking:
    provider: str
    refund_id: str
    refunded_at: datetime
    business_day: date
    currency: str
    lines: tuple[RefundedLine, ...] = ()
    unmatched: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    refused: tuple[RefusedRefund, ...] = ()

    @property
    def amount(self) -> Money:
        return sum((line.amount for line in self.lines), Money.zero(self.currency))

    @property
    def cogs_reversed(self) -> Cost:
        returned = (m.cogs for line in self.lines for m in line.returned)
        return sum(returned, Cost.zero(self.currency))

    @property
    def processed_keys(self) -> frozenset[str]:
        return frozenset(line.source_key for line in self.lines)


def book_refund(
    refund: Refund,
    sales: Mapping[str, LineBooks],
    already_booked: Set[str],
    *,
    venue: Venue,
) -> RefundBooking:
    """The new refund lines of one delivery; `sales`: the recorded sale lines by source key."""
    validate_refund(refund, venue.currency)
    lines: list[RefundedLine] = []
    unmatched: list[str] = []
    skipped: list[str] = []
    refused: list[RefusedRefund] = []
    for line in refund.lines:
        key = refund.key(line)
        if key in already_booked:
            skipped.append(key)
            continue
        sale = sales.get(refund.sale_key(line))
        if sale is None:
            unmatched.append(key)
            continue
        booked = refund_line(key, sale, line.quantity, line.amount, venue)
        lines.append(booked)
        excess = (line.quantity - booked.quantity, line.amount - booked.amount.minor)
        if excess[0] > 0 or excess[1] > 0:
            refused.append(_refused(key, sale, excess, venue.currency))
    return RefundBooking(
        provider=refund.provider,
        refund_id=refund.refund_id,
        refunded_at=refund.refunded_at,
        business_day=business_day(refund.refunded_at, venue.zone, venue.day_cutoff),
        currency=venue.currency,
        lines=tuple(lines),
        unmatched=tuple(unmatched),
        skipped=tuple(skipped),
        refused=tuple(refused),
    )


def refund_line(
    key: str, sale: LineBooks, quantity: int, amount: int, venue: Venue
) -> RefundedLine:
    """One refund line asking `quantity` and `amount` of `sale`: what it books (at most what the
    line has left to refund) and what comes back on the shelf."""
    refunded = refund_target(
        sale.requested_quantity + quantity,
        sale.requested_amount + amount,
        sale.quantity,
        sale.net_amount,
    )
    booked = refunded[0] - sale.refunded_quantity
    restocked = sale.restocked_quantity + (booked if venue.restock_refunds else 0)
    returned = difference(restock_target(sale.movements, restocked, sale.quantity), sale.restocked)
    return RefundedLine(
        source_key=key,
        sale_key=sale.source_key,
        quantity=booked,
        amount=Money(refunded[1] - sale.refunded_amount, venue.currency),
        restocked=venue.restock_refunds,
        returned=returned,
        requested_quantity=quantity,
        requested_amount=amount,
    )


def _refused(key: str, sale: LineBooks, excess: tuple[int, int], currency: str) -> RefusedRefund:
    left_q = max(0, sale.quantity - sale.refunded_quantity)
    left_a = Money(max(0, sale.net_amount - sale.refunded_amount), currency)
    reason = (
        f"refund line {key.rsplit(':', 1)[-1]!r} asks for more of {sale.name!r} than is left to "
        f"refund ({left_q / 1000:g} for {left_a.display()} were left); the excess, "
        f"{max(0, excess[0]) / 1000:g} for {Money(max(0, excess[1]), currency).display()}, "
        "was refused"
    )
    return RefusedRefund(key, max(0, excess[0]), max(0, excess[1]), reason)


def after_refund(line: LineBooks, change: RefundedLine) -> LineBooks:
    """The line's books once `change` is booked on it."""
    restocked = {m.product_id: m for m in line.restocked}
    for m in change.returned:
        old = restocked.get(m.product_id)
        restocked[m.product_id] = (
            m
            if old is None
            else replace(old, quantity=old.quantity + m.quantity, cogs=old.cogs + m.cogs)
        )
    asked = (
        change.quantity if change.requested_quantity is None else change.requested_quantity,
        change.amount.minor if change.requested_amount is None else change.requested_amount,
    )
    return replace(
        line,
        refunded_quantity=line.refunded_quantity + change.quantity,
        refunded_amount=line.refunded_amount + change.amount.minor,
        requested_quantity=line.requested_quantity + asked[0],
        requested_amount=line.requested_amount + asked[1],
        restocked_quantity=line.restocked_quantity + (change.quantity if change.restocked else 0),
        restocked=tuple(m for m in restocked.values() if m.quantity.milli or m.cogs.micro),
    )
