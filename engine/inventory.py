"""On-hand from the ledger (rule 7) and variance between two counts (rule 8), as pure functions.

The ledger of one product is its counts, receivings, waste and depletions. A depletion is dated by
the close of its receipt (a restocked refund: negative, dated by the refund), whenever it arrived.

Decisions where the rules are silent:
- "After the count" is strictly after: a count at 22:00 already saw a delivery, a spill or a sale
  at 22:00 exactly. Of two counts at the same instant the later in the ledger wins.
- With no count yet, on-hand starts from zero: receivings - waste - depletions.
- Variance uses the cost per container in effect at the second count; variance % is None when
  expected usage is zero (shown "n/a"), and a negative variance (more left than expected) is shown
  as is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from engine.catalog import ProductCost, ProductId
from engine.errors import InvalidInput
from engine.money import Cost, Money, percent
from engine.quantity import Quantity
from engine.units import Dimension


@dataclass(frozen=True, slots=True)
class Count:
    product_id: ProductId
    at: datetime
    quantity: Quantity


@dataclass(frozen=True, slots=True)
class Receiving:
    product_id: ProductId
    at: datetime
    quantity: Quantity
    containers: int | None = None
    """Milli-containers as typed, when typed as containers."""
    cost_per_container: Money | None = None


@dataclass(frozen=True, slots=True)
class Waste:
    product_id: ProductId
    at: datetime
    quantity: Quantity
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Depletion:
    """Product that left the shelf for a sale closed at `at` (negative: a restocked refund)."""

    product_id: ProductId
    at: datetime
    quantity: Quantity
    source_key: str = ""


LedgerEntry = Count | Receiving | Waste | Depletion


@dataclass(frozen=True, slots=True)
class OnHand:
    """On-hand and the ledger behind it (what `why` shows)."""

    quantity: Quantity
    count: Count | None
    receivings: tuple[Receiving, ...]
    waste: tuple[Waste, ...]
    depletions: tuple[Depletion, ...]


def last_count(entries: Iterable[LedgerEntry], before: datetime | None = None) -> Count | None:
    """The latest count (at or before `before`, when given)."""
    found: Count | None = None
    for entry in entries:
        eligible = isinstance(entry, Count) and (before is None or entry.at <= before)
        if eligible and isinstance(entry, Count) and (found is None or entry.at >= found.at):
            found = entry
    return found


def on_hand(entries: Sequence[LedgerEntry], dimension: Dimension) -> OnHand:
    """Rule 7: last count + receivings after it - waste after it - depletions closed after it.

    May be negative; never clamped."""
    count = last_count(entries)
    after = [e for e in entries if count is None or e.at > count.at]
    receivings = tuple(e for e in after if isinstance(e, Receiving))
    waste = tuple(e for e in after if isinstance(e, Waste))
    depletions = tuple(e for e in after if isinstance(e, Depletion))
    total = Quantity.zero(dimension) if count is None else count.quantity
    total = sum((r.quantity for r in receivings), total)
    total = sum((-w.quantity for w in waste), total)
    total = sum((-d.quantity for d in depletions), total)
    return OnHand(total, count, receivings, waste, depletions)


@dataclass(frozen=True, slots=True)
class Variance:
    """Rule 8 between two counts. Positive variance: product went missing."""

    product_id: ProductId
    start: Count
    end: Count
    received: Quantity
    depleted: Quantity
    waste: Quantity
    cost_per_container: Money
    container_size: Quantity

    @property
    def actual(self) -> Quantity:
        return self.start.quantity + self.received - self.end.quantity

    @property
    def expected(self) -> Quantity:
        return self.depleted + self.waste

    @property
    def variance(self) -> Quantity:
        return self.actual - self.expected

    @property
    def pct(self) -> Fraction | None:
        """variance / expected x 100, exact; None when nothing was expected."""
        return percent(self.variance.milli, self.expected.milli)

    @property
    def cost(self) -> Cost:
        """variance x cost per base unit, in micro-minor units (half-even)."""
        per_sub_unit = Fraction(self.cost_per_container.minor, self.container_size.milli)
        return Cost.of(self.variance.milli * per_sub_unit, self.cost_per_container.currency)

    @property
    def waste_pct(self) -> Fraction | None:
        """The waste part of expected usage, in % of it (shown apart in reports)."""
        return percent(self.waste.milli, self.expected.milli)


def variance(
    entries: Sequence[LedgerEntry], start: Count, end: Count, cost: ProductCost
) -> Variance:
    """Variance of one product between counts `start` and `end` (times (start.at, end.at])."""
    if not start.at < end.at:
        raise InvalidInput("a variance needs two counts, the first before the second")
    dimension = start.quantity.dimension
    window = [e for e in entries if start.at < e.at <= end.at]
    zero = Quantity.zero(dimension)
    return Variance(
        product_id=start.product_id,
        start=start,
        end=end,
        received=sum((e.quantity for e in window if isinstance(e, Receiving)), zero),
        depleted=sum((e.quantity for e in window if isinstance(e, Depletion)), zero),
        waste=sum((e.quantity for e in window if isinstance(e, Waste)), zero),
        cost_per_container=cost.cost_per_container,
        container_size=cost.container_size,
    )


def latest_variance(entries: Sequence[LedgerEntry], cost: ProductCost) -> Variance | None:
    """Variance between the product's last two counts, or None with fewer than two."""
    counts = sorted((e for e in entries if isinstance(e, Count)), key=lambda c: c.at)
    if len(counts) < 2 or not counts[-2].at < counts[-1].at:
        return None
    return variance(entries, counts[-2], counts[-1], cost)
