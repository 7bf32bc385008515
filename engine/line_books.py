"""What the books hold for a receipt and its lines, read back to book a newer version or a refund.

A sale line's books are its first booking plus every correction a newer version of its receipt
booked (`engine.revisions`), and its refunds (`engine.refunds`). Rules 10, 11 and 12 are kept on
these sums:
- the newest version of a receipt decides what its lines sold (`ReceiptBooks.version`);
- a line's refunds never pass what it sold: its refunded total is the least of what its refunds
  asked for and what it sold (`refund_target`), so a newer version that lowers a line lowers its
  refunds with it, and one that raises it lets back what an earlier refund asked beyond it;
- what a refund put back on the shelf (with `restock_refunds`) is the refunded share of what the
  line depleted, rounded half-even once on the line's total (`restock_target`): however its
  refunds were split or ordered, the shelf gets the same back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from engine.catalog import MappingId, PosItemId, ProductId
from engine.exact import div_half_even
from engine.money import Cost
from engine.movements import BookedLine, Movement, sum_movements
from engine.quantity import Quantity


@dataclass(frozen=True, slots=True)
class LineBooks:
    """One sale line as booked: sale (first booking + corrections) and refunds, summed."""

    source_key: str
    pos_item_id: PosItemId
    name: str
    mapping_id: MappingId
    quantity: int
    """Milli-units sold, net of corrections."""
    net_amount: int
    """Minor units."""
    cogs: int
    """Micro-minor units."""
    movements: tuple[Movement, ...] = ()
    """What the sale depleted per product, net of corrections (restocks not included)."""
    refunded_quantity: int = 0
    refunded_amount: int = 0
    requested_quantity: int = 0
    """What the line's refunds asked for in all: may pass what it sold (the excess was refused)."""
    requested_amount: int = 0
    restocked_quantity: int = 0
    """Of `refunded_quantity`, the part booked while the venue restocked refunds."""
    restocked: tuple[Movement, ...] = ()
    """Put back on the shelf per product (positive) with the cost of goods reversed."""

    @classmethod
    def of(cls, line: BookedLine) -> LineBooks:
        return cls(
            line.source_key,
            line.pos_item_id,
            line.name,
            line.mapping_id,
            line.quantity,
            line.net_amount.minor,
            line.cogs.micro,
            line.movements,
        )

    @property
    def refund_mark(self) -> tuple[int, int, int, int]:
        return (
            self.refunded_quantity,
            self.refunded_amount,
            self.requested_quantity,
            self.requested_amount,
        )


@dataclass(frozen=True, slots=True)
class ReceiptBooks:
    """A receipt barback has booked a version of: the newest version booked and its lines."""

    provider: str
    receipt_id: str
    version: int
    closed_at: datetime
    lines: Mapping[str, LineBooks] = field(default_factory=dict)
    """Sale lines by key (only when read with its lines)."""
    seen: frozenset[str] = frozenset()
    """Every line key booked or tallied as unmapped, as far as it was read."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.provider, self.receipt_id)

    @property
    def live(self) -> bool:
        """Whether the receipt counts in sales: some line of it still sells something."""
        return any(line.quantity > 0 for line in self.lines.values())

    @property
    def refund_mark(self) -> tuple[int, int, int, int]:
        """The refund sums over its lines: what a concurrent refund would change."""
        marks = [line.refund_mark for line in self.lines.values()]
        return (
            sum(m[0] for m in marks),
            sum(m[1] for m in marks),
            sum(m[2] for m in marks),
            sum(m[3] for m in marks),
        )


@dataclass(frozen=True, slots=True)
class VersionClaim:
    """A receipt's version moving from `prior` (None: never booked) to `version` in one write.

    The write checks it still finds `prior` (and, for a receipt with refunds, `refund_mark`):
    a concurrent delivery that moved it first makes this one give way (when it booked a version
    as new or newer) or retry (`Conflict`), so two workers never both book a version's change."""

    provider: str
    receipt_id: str
    prior: int | None
    version: int
    closed_at: datetime
    business_day: date
    currency: str
    refund_mark: tuple[int, int, int, int] | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.provider, self.receipt_id)


def refund_target(
    requested_quantity: int, requested_amount: int, quantity: int, net_amount: int
) -> tuple[int, int]:
    """What a line's refunds book in all: never more than it sold, in quantity or in money."""
    return (
        max(0, min(requested_quantity, quantity)),
        max(0, min(requested_amount, net_amount)),
    )


def restock_target(
    movements: Iterable[Movement], restocked_quantity: int, quantity: int
) -> dict[ProductId, Movement]:
    """The share `restocked_quantity / quantity` of each movement, rounded half-even once."""
    if quantity <= 0 or restocked_quantity <= 0:
        return {}
    share = min(restocked_quantity, quantity)
    return {
        m.product_id: Movement(
            m.product_id,
            Quantity(m.quantity.dimension, div_half_even(m.quantity.milli * share, quantity)),
            Cost(div_half_even(m.cogs.micro * share, quantity), m.cogs.currency),
        )
        for m in movements
    }


def difference(
    target: Mapping[ProductId, Movement], current: Iterable[Movement]
) -> tuple[Movement, ...]:
    """target - current per product, leaving out what does not change."""
    negated = (
        Movement(m.product_id, Quantity(m.quantity.dimension, -m.quantity.milli), -m.cogs)
        for m in current
    )
    summed = sum_movements([*target.values(), *negated])
    return tuple(m for m in summed if m.quantity.milli or m.cogs.micro)
