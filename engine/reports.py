"""The reading commands' answers: plain frozen dataclasses, exact values, nothing rounded.

Front-ends render them (Slack blocks, terminal text, `--json`); rounding happens there, with
`engine.display` and `engine.money` helpers. Money is `Money` (minor units), cost of goods `Cost`
(micro-minor units), quantities `Quantity` (base sub-units), percentages exact `Fraction`s or None
("n/a").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction
from typing import Literal

from engine.alerts import RecipeGuess
from engine.catalog import ModifierRule, Product, ProductId, Recipe
from engine.depletion import Unmapped
from engine.inventory import Count, Receiving, Variance, Waste
from engine.money import Cost, Money, gross_profit, pour_cost_pct
from engine.movements import Movement
from engine.quantity import Quantity
from engine.records import AuditEntry, PosThing, Sighting
from engine.venue import Venue


@dataclass(frozen=True, slots=True)
class StockRow:
    product: Product
    on_hand: Quantity
    """May be negative: shown, never clamped (rule 7)."""
    last_count_at: datetime | None
    low: bool
    days_to_stockout: Fraction | None
    suggested_order: int
    """Whole containers to bring on-hand back to par."""

    @property
    def on_hand_containers(self) -> Fraction:
        return self.on_hand.ratio(self.product.container_size)


@dataclass(frozen=True, slots=True)
class StockReport:
    venue: Venue
    at: datetime
    business_day: date
    rows: tuple[StockRow, ...]


@dataclass(frozen=True, slots=True)
class ItemSales:
    """One POS item's sales in a period (refunds in the period subtracted)."""

    pos_item: PosThing
    quantity: int
    """Milli-units sold, net of refunded units."""
    net_sales: Money
    cogs: Cost


@dataclass(frozen=True, slots=True)
class SalesBucket:
    """One bar of the chart: a venue-local hour (`start`, aware, in the venue's zone) of a single
    business day, or one business day (`start` = local midnight of `day`)."""

    day: date
    start: datetime
    net_sales: Money
    cogs: Cost


@dataclass(frozen=True, slots=True)
class SalesReport:
    venue: Venue
    first: date
    last: date
    """Business days, both included."""
    net_sales: Money
    """Recorded line amounts minus refunds in the period."""
    refunds: Money
    """Refunded in the period (already subtracted from `net_sales`)."""
    cogs: Cost
    receipts: int
    lines: int
    items: tuple[ItemSales, ...]
    """Top items by net sales, most first."""
    granularity: Literal["hour", "day"]
    buckets: tuple[SalesBucket, ...]

    @property
    def pour_cost_pct(self) -> Fraction | None:
        return pour_cost_pct(self.cogs, self.net_sales)

    @property
    def gross_profit(self) -> Cost:
        return gross_profit(self.net_sales, self.cogs)


@dataclass(frozen=True, slots=True)
class VarianceRow:
    product: Product
    variance: Variance


@dataclass(frozen=True, slots=True)
class VarianceReport:
    venue: Venue
    first: date | None
    last: date | None
    """The business days asked for; None: each product's last two counts."""
    rows: tuple[VarianceRow, ...]
    without_counts: tuple[Product, ...]
    """Products without two counts in the window: no variance to show."""


@dataclass(frozen=True, slots=True)
class UnmappedReport:
    venue: Venue
    items: tuple[Sighting, ...]
    modifiers: tuple[Sighting, ...]
    on_menu: tuple[Sighting, ...] = ()
    """With `--all`: items and modifiers on the POS's menu, never sold, without a mapping."""
    guesses: Mapping[str, tuple[RecipeGuess, ...]] = field(default_factory=dict)
    """The products each unmapped name most likely pours (by the name, casefolded), best first,
    with a quantity a manager could type: what the `next:` hints fill in."""


@dataclass(frozen=True, slots=True)
class ItemMapping:
    pos_item: PosThing
    recipe: Recipe


@dataclass(frozen=True, slots=True)
class RuleMapping:
    modifier: PosThing
    rule: ModifierRule


@dataclass(frozen=True, slots=True)
class MappingsReport:
    venue: Venue
    items: tuple[ItemMapping, ...]
    rules: tuple[RuleMapping, ...]
    product_names: Mapping[ProductId, str] = field(default_factory=dict)
    servings: Mapping[str, Quantity] = field(default_factory=dict)
    """The serving sizes in effect, by name: recipes typed in servings show as typed
    (`2 x shot`), and the CSV export writes `2 shot` with them."""


@dataclass(frozen=True, slots=True)
class ProductsReport:
    venue: Venue
    products: tuple[Product, ...]


@dataclass(frozen=True, slots=True)
class HistoryReport:
    venue: Venue
    entries: tuple[AuditEntry, ...]
    """Most recent first."""


@dataclass(frozen=True, slots=True)
class WhySale:
    """A depletion behind on-hand: the sale line (or restocked refund) and what it took."""

    at: datetime
    source_key: str
    pos_item: str
    line_quantity: int
    """Milli-units of the POS item on the line."""
    modifiers: tuple[str, ...]
    quantity: Quantity
    """Of this product; negative for a restocked refund."""
    refund: bool = False


@dataclass(frozen=True, slots=True)
class WhyReport:
    venue: Venue
    product: Product
    on_hand: Quantity
    count: Count | None
    receivings: tuple[Receiving, ...]
    waste: tuple[Waste, ...]
    sales: tuple[WhySale, ...]
    """The most recent depletions since the count, newest first (at most `limit`)."""
    depleted: Quantity
    """All depletions since the count, including those not listed."""
    omitted: int
    """Depletions since the count not listed in `sales`."""


@dataclass(frozen=True, slots=True)
class SimulationReport:
    venue: Venue
    pos_item: PosThing
    modifiers: tuple[PosThing, ...]
    at: datetime
    movements: tuple[Movement, ...]
    product_names: Mapping[ProductId, str]
    unmapped: tuple[Unmapped, ...]
    """Modifiers named that have no rule: they change nothing."""

    @property
    def cogs(self) -> Cost:
        currency = self.venue.currency
        return sum((m.cogs for m in self.movements), Cost.zero(currency))


# --- what the read side (`engine.ports.Queries`) computes in the database ----------------------


@dataclass(frozen=True, slots=True)
class OnHandFigure:
    """A product's on-hand as the database sums it (rule 7), and when it was created."""

    product: Product
    on_hand: Quantity
    last_count_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SalesFigures:
    """Totals over business days from the daily rollups."""

    net_sales: Money
    refunds: Money
    cogs: Cost
    receipts: int
    lines: int
    items: tuple[ItemSales, ...]


@dataclass(frozen=True, slots=True)
class SalesSlot:
    """Sales in one slot: a UTC quarter-hour starting at `start` (single day), or a business day."""

    start: datetime | date
    net_sales: Money
    cogs: Cost


@dataclass(frozen=True, slots=True)
class LedgerFigures:
    """The ledger behind one product's on-hand since its last count (see `WhyReport`)."""

    on_hand: Quantity
    count: Count | None
    receivings: tuple[Receiving, ...]
    waste: tuple[Waste, ...]
    sales: tuple[WhySale, ...]
    depleted: Quantity
    omitted: int
