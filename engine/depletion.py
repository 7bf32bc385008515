"""Booking a receipt: which lines are sales, what they deplete, what they cost.

Rules 1, 2, 4, 5 and 11. `book(receipt, catalog, already_booked, venue=...)` is pure. `catalog`
(see `catalog_view`) is the catalog as it was when the receipt closed (rule 6); `already_booked`
holds the source keys (`provider:receipt:line`) of lines processed before. The booking holds
only what is new: a second delivery of the same receipt books nothing, and a newer version
books only lines never seen (deltas, not totals).

Decisions where the rules are silent:
- Order of work for a line: the recipe per unit; swaps (in the order the modifiers appear), adds (x
  the modifier's quantity), multiplies (every factor, once per modifier line); then x the line's
  quantity; then each product's total for the line is rounded half-even to the sub-unit (µl). A
  product that rounds to nothing is not moved.
- A line's COGS is each product's rounded quantity x that product's cost per sub-unit at close,
  rounded half-even to the micro-minor unit, summed: what was depleted is what was costed.
- `book` books a delivery's lines not booked before; a newer version of a receipt already in the
  books goes through `engine.revisions`, which books what it changes as `Correction`s.
- A line whose cost of goods or depletion of one product would pass `engine.bounds`
  (`MAX_LINE_COGS`, `MAX_MOVEMENT`) is refused: a mapping or a cost out of all reason must not
  reach a 64-bit column or a rollup.
- Unmapped lines and modifiers carry the line's source key, so a caller can tally each once; their
  line keys are in `Booking.processed_keys` with the booked ones. No price of an unmapped line
  is kept.
- Modifiers without a rule are tallied on every line, mapped or not; they change nothing.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, NoReturn

from engine import bounds
from engine.catalog import (
    Add,
    MappingId,
    ModifierRule,
    Multiply,
    PosItemId,
    PriceOnly,
    ProductId,
    Recipe,
    Swap,
)
from engine.catalog_view import CatalogView
from engine.errors import InvalidInput
from engine.exact import div_half_even
from engine.money import MICRO, Cost, Money
from engine.movements import AppliedModifier, BookedLine, Movement, sum_movements
from engine.quantity import Quantity
from engine.receipt import (
    ModifierLine,
    Receipt,
    ReceiptLine,
    ReceiptState,
    business_day,
    validate_receipt,
)
from engine.units import Dimension
from engine.venue import Venue

if TYPE_CHECKING:
    from engine.refunds import RefundBooking


class UnmappedKind(StrEnum):
    ITEM = "item"
    MODIFIER = "modifier"


@dataclass(frozen=True, slots=True)
class Unmapped:
    """A POS item or modifier seen without a mapping or rule: for the tally, never a price."""

    kind: UnmappedKind
    provider: str
    external_id: str
    name: str
    seen_at: datetime
    source_key: str


@dataclass(frozen=True, slots=True)
class Correction:
    """What a newer version of a receipt changes on a line already booked, booked forward: a
    row of its own (never an update of the first), dated when the version arrived. Quantities,
    amounts and movements are differences (negative: less than was booked)."""

    source_key: str
    """`<line key>@v<version>` (`...+` for the part moved to another POS item)."""
    line_key: str
    """The key of the line corrected (its first booking)."""
    pos_item_id: PosItemId
    name: str
    mapping_id: MappingId
    quantity: int
    net_amount: Money
    cogs: Cost
    movements: tuple[Movement, ...]
    modifiers: tuple[AppliedModifier, ...]
    at: datetime
    business_day: date
    lines: int = 0
    """+1 when the line sells again, -1 when it no longer sells: what the sales' line count
    (`daily_item_sales.lines`) gains, so it counts the lines the newest version sells."""


@dataclass(frozen=True, slots=True)
class Booking:
    provider: str
    receipt_id: str
    version: int
    closed_at: datetime
    business_day: date
    currency: str
    lines: tuple[BookedLine, ...] = ()
    unmapped: tuple[Unmapped, ...] = ()
    skipped: tuple[str, ...] = ()
    """Source keys already booked before, left alone."""
    corrections: tuple[Correction, ...] = ()
    refund_changes: RefundBooking | None = None
    """Refunds of corrected lines brought back within what the lines now sold."""
    counted: int = 0
    """+1: the receipt now counts in the sales' receipts; -1: it no longer does."""
    counted_day: date | None = None

    @property
    def processed_keys(self) -> frozenset[str]:
        """Every line key this booking handled: add them to `already_booked`."""
        items = (u.source_key for u in self.unmapped if u.kind is UnmappedKind.ITEM)
        return frozenset({*(line.source_key for line in self.lines), *items})

    @property
    def net_sales(self) -> Money:
        return sum((line.net_amount for line in self.lines), Money.zero(self.currency))

    @property
    def cogs(self) -> Cost:
        return sum((line.cogs for line in self.lines), Cost.zero(self.currency))

    @property
    def movements(self) -> tuple[Movement, ...]:
        """Per product, summed over lines, by product id."""
        return sum_movements(m for line in self.lines for m in line.movements)


def book(
    receipt: Receipt, catalog: CatalogView, already_booked: Set[str], *, venue: Venue
) -> Booking:
    """The new sales, depletions and unmapped sightings of one receipt delivery."""
    day = business_day(receipt.closed_at, venue.zone, venue.day_cutoff)
    empty = Booking(
        receipt.provider,
        receipt.receipt_id,
        receipt.version,
        receipt.closed_at,
        day,
        venue.currency,
    )
    if receipt.state is not ReceiptState.PAID:
        return empty  # rule 1: open, voided and cancelled orders do nothing
    validate_receipt(receipt, venue.currency)
    lines: list[BookedLine] = []
    unmapped: list[Unmapped] = []
    skipped: list[str] = []
    for line in receipt.lines:
        key = receipt.key(line)
        if key in already_booked:
            skipped.append(key)
            continue
        for modifier in line.modifiers:
            if catalog.rule(modifier.modifier_id) is None:
                unmapped.append(_unmapped(UnmappedKind.MODIFIER, receipt, key, modifier))
        recipe = catalog.recipe(line.pos_item_id)
        if recipe is None:
            unmapped.append(_unmapped(UnmappedKind.ITEM, receipt, key, line))
            continue
        lines.append(book_line(key, line, recipe, catalog, receipt.currency))
    return Booking(
        receipt.provider,
        receipt.receipt_id,
        receipt.version,
        receipt.closed_at,
        day,
        venue.currency,
        tuple(lines),
        tuple(unmapped),
        tuple(skipped),
        counted=1 if lines else 0,
        counted_day=day,
    )


def _unmapped(
    kind: UnmappedKind, receipt: Receipt, key: str, thing: ReceiptLine | ModifierLine
) -> Unmapped:
    external = thing.pos_item_id if isinstance(thing, ReceiptLine) else thing.modifier_id
    return Unmapped(kind, receipt.provider, external, thing.name, receipt.closed_at, key)


def book_line(
    key: str, line: ReceiptLine, recipe: Recipe, catalog: CatalogView, currency: str
) -> BookedLine:
    """One mapped line: its movements and cost of goods at the catalog's close (rule 5)."""
    per_unit: dict[ProductId, tuple[Dimension, Fraction | int]] = {}
    for item in recipe.items:
        _pour(per_unit, item.product_id, item.quantity.dimension, item.quantity.milli)
    applied: list[tuple[ModifierLine, ModifierRule | None]] = [
        (m, catalog.rule(m.modifier_id)) for m in line.modifiers
    ]
    for _, rule in applied:
        if (
            rule is not None
            and isinstance(rule.kind, Swap)
            and rule.kind.from_product_id in per_unit
        ):
            dimension, amount = per_unit.pop(rule.kind.from_product_id)
            _pour(per_unit, rule.kind.to_product_id, dimension, amount)
    for modifier, rule in applied:
        if rule is not None and isinstance(rule.kind, Add):
            amount = rule.kind.quantity.milli * Fraction(modifier.quantity, 1000)
            _pour(per_unit, rule.kind.product_id, rule.kind.quantity.dimension, amount)
    factor = Fraction(line.quantity, 1000)
    for _, rule in applied:
        if rule is not None and isinstance(rule.kind, Multiply):
            factor *= rule.kind.factor
    movements: list[Movement] = []
    total = 0
    for product_id, (dimension, amount) in per_unit.items():
        cost = catalog.cost(product_id)
        if cost.container_size.dimension is not dimension:
            raise InvalidInput(
                f"{line.name!r} pours a {dimension} of product {product_id}, "
                f"which is counted by {cost.container_size.dimension}",
                hint="fix the mapping or modifier rule",
            )
        milli = div_half_even(
            amount.numerator * factor.numerator, amount.denominator * factor.denominator
        )
        if milli != 0:
            # milli x (cost per container / container size), in micro-minor units, half-even
            micro = div_half_even(
                milli * cost.cost_per_container.minor * MICRO, cost.container_size.milli
            )
            total += micro
            if abs(milli) > bounds.MAX_MOVEMENT or abs(total) > bounds.MAX_LINE_COGS:
                _beyond(line)
            movements.append(
                Movement(product_id, Quantity(dimension, milli), Cost(micro, currency))
            )
    return BookedLine(
        source_key=key,
        line_id=line.line_id,
        pos_item_id=line.pos_item_id,
        name=line.name,
        mapping_id=recipe.id,
        quantity=line.quantity,
        net_amount=Money(line.net_amount, currency),
        cogs=Cost(total, currency),
        modifiers=tuple(_applied(m, r) for m, r in applied),
        movements=tuple(movements),
    )


def _beyond(line: ReceiptLine) -> NoReturn:
    raise InvalidInput(
        f"line {line.name!r} would deplete or cost more than barback's limit per line",
        hint="check the mapping, its modifiers and the product costs",
    )


def _pour(
    per_unit: dict[ProductId, tuple[Dimension, Fraction | int]],
    product_id: ProductId,
    dimension: Dimension,
    amount: Fraction | int,
) -> None:
    if (current := per_unit.get(product_id)) is not None:
        if current[0] is not dimension:
            raise InvalidInput(
                f"product {product_id} is poured as a {dimension} and a {current[0]}"
            )
        amount += current[1]
    per_unit[product_id] = (dimension, amount)


_KIND = {Multiply: "multiply", Add: "add", Swap: "swap", PriceOnly: "price_only"}


def _applied(modifier: ModifierLine, rule: ModifierRule | None) -> AppliedModifier:
    kind = "unmapped" if rule is None else _KIND[type(rule.kind)]
    rule_id = None if rule is None else rule.id
    return AppliedModifier(modifier.modifier_id, modifier.name, modifier.quantity, rule_id, kind)
