"""What a booked line moves: products off the shelf (or back), with their cost of goods, and
the line as booked. Plain records, apart from the booking rules (`engine.depletion`), so that a
line's books (`engine.line_books`) and refunds (`engine.refunds`) read them without importing
the rules that make them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.catalog import MappingId, ModifierId, PosItemId, ProductId, RuleId
from engine.money import Cost, Money
from engine.quantity import Quantity


@dataclass(frozen=True, slots=True)
class Movement:
    """One product leaving the shelf for one line (or, negative, coming back)."""

    product_id: ProductId
    quantity: Quantity
    cogs: Cost


@dataclass(frozen=True, slots=True)
class AppliedModifier:
    modifier_id: ModifierId
    name: str
    quantity: int
    rule_id: RuleId | None
    kind: str
    """multiply | add | swap | price_only | unmapped"""


@dataclass(frozen=True, slots=True)
class BookedLine:
    source_key: str
    line_id: str
    pos_item_id: PosItemId
    name: str
    mapping_id: MappingId
    quantity: int
    net_amount: Money
    cogs: Cost
    modifiers: tuple[AppliedModifier, ...]
    movements: tuple[Movement, ...]


def sum_movements(movements: Iterable[Movement]) -> tuple[Movement, ...]:
    totals: dict[ProductId, Movement] = {}
    for m in movements:
        if (t := totals.get(m.product_id)) is not None:
            m = Movement(m.product_id, t.quantity + m.quantity, t.cogs + m.cogs)
        totals[m.product_id] = m
    return tuple(totals[p] for p in sorted(totals))
