"""Booking a refund of a recorded sale (rule 10): the sales amount goes back; the drink does not.

Decisions where the rules are silent:
- A refund line is matched to the recorded sale line by `provider:receipt:line`. A refund of a line
  that was never recorded as a sale (unmapped, or not yet seen) is listed in `unmatched` and
  books nothing: there is no sale to reverse.
- The refunded amount is what the refund says; a refund line for more than the sale line was sold
  for, or for more units than were sold, is refused (each refund is checked on its own).
- Without `restock_refunds` COGS stays: the drink was poured and its cost was incurred.
  With it, the refunded share of each product the line depleted comes back on the shelf at
  `refunded_at`, and the same share of its recorded COGS is reversed (at the cost recorded with the
  sale, not today's), each rounded half-even.
- Idempotency as for receipts: each refund line has its own key; keys in `already_booked` are
  skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction

from engine.depletion import BookedLine, Movement
from engine.errors import InvalidInput
from engine.money import Cost, Money
from engine.receipt import Refund, business_day, validate_refund
from engine.venue import Venue


@dataclass(frozen=True, slots=True)
class RefundedLine:
    source_key: str
    sale_key: str
    quantity: int
    """Milli-units refunded."""
    amount: Money
    restocked: bool
    returned: tuple[Movement, ...]
    """Products back on the shelf (positive quantities) and the COGS reversed with them."""


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
    sales: Mapping[str, BookedLine],
    already_booked: Set[str],
    *,
    venue: Venue,
) -> RefundBooking:
    """The new refund lines of one delivery; `sales`: the recorded sale lines by source key."""
    validate_refund(refund, venue.currency)
    lines: list[RefundedLine] = []
    unmatched: list[str] = []
    skipped: list[str] = []
    for line in refund.lines:
        key = refund.key(line)
        if key in already_booked:
            skipped.append(key)
            continue
        sale = sales.get(refund.sale_key(line))
        if sale is None:
            unmatched.append(key)
            continue
        if line.quantity > sale.quantity or line.amount > sale.net_amount.minor:
            raise InvalidInput(
                f"refund {refund.refund_id} returns more of {sale.name!r} than was sold",
                hint=f"sold {sale.quantity / 1000:g} for {sale.net_amount.display(venue.locale)}",
            )
        share = Fraction(line.quantity, sale.quantity)
        returned = tuple(_share(m, share) for m in sale.movements) if venue.restock_refunds else ()
        lines.append(
            RefundedLine(
                source_key=key,
                sale_key=sale.source_key,
                quantity=line.quantity,
                amount=Money(line.amount, venue.currency),
                restocked=venue.restock_refunds,
                returned=returned,
            )
        )
    return RefundBooking(
        provider=refund.provider,
        refund_id=refund.refund_id,
        refunded_at=refund.refunded_at,
        business_day=business_day(refund.refunded_at, venue.zone, venue.day_cutoff),
        currency=venue.currency,
        lines=tuple(lines),
        unmatched=tuple(unmatched),
        skipped=tuple(skipped),
    )


def _share(movement: Movement, share: Fraction) -> Movement:
    return Movement(
        movement.product_id,
        movement.quantity.scaled(share),
        Cost(round(movement.cogs.micro * share), movement.cogs.currency),
    )
