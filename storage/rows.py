"""Rows to engine values and back: the explicit mapping functions the repositories share."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Any

from sqlalchemy import Row, Table, and_, or_
from sqlalchemy.sql.elements import ColumnElement

from engine.catalog import Add, Multiply, PriceOnly, Product, ProductId, RuleKind, Swap
from engine.money import Money
from engine.quantity import Quantity
from engine.records import PosKind, PosThing
from engine.units import Dimension

AnyRow = Row[*tuple[Any, ...]]


def product_from_row(row: AnyRow, currency: str) -> Product:
    dimension = Dimension(row.dimension)
    return Product(
        id=ProductId(row.id),
        name=row.name,
        dimension=dimension,
        container_size=Quantity(dimension, int(row.container_size)),
        cost_per_container=Money(int(row.cost_per_container), currency),
        par=int(row.par or 0),
        reorder_at=int(row.reorder_at or 0),
        category=row.category,
        vendor=getattr(row, "vendor", None),
    )


def pos_thing_from_row(row: AnyRow, kind: PosKind) -> PosThing:
    return PosThing(
        int(row.id),
        kind,
        row.provider,
        row.external_id,
        row.name,
        bool(getattr(row, "by_name", False)),
        getattr(row, "first_seen", None),
    )


def in_effect(table: Table, at: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """`valid_from <= at < valid_to` (NULL: still in effect)."""
    return in_effect_during(table, at, at)


def in_effect_during(
    table: Table,
    start: datetime | ColumnElement[datetime],
    end: datetime | ColumnElement[datetime],
) -> ColumnElement[bool]:
    """In effect at some instant of [start, end]: `valid_from <= end` and `start < valid_to`."""
    return and_(
        table.c.valid_from <= end, or_(table.c.valid_to.is_(None), table.c.valid_to > start)
    )


def rule_columns(kind: RuleKind) -> dict[str, Any]:
    """A rule kind as the `modifier_rules` columns hold it."""
    empty: dict[str, Any] = {
        "factor": None,
        "product_id": None,
        "quantity": None,
        "serving_name": None,
        "swap_from_product_id": None,
        "swap_to_product_id": None,
    }
    if isinstance(kind, Multiply):
        milli = kind.factor * 1000
        if milli.denominator != 1:
            raise ValueError("a multiplier is kept in thousandths")
        return {**empty, "kind": "multiply", "factor": int(milli)}
    if isinstance(kind, Add):
        return {
            **empty,
            "kind": "add",
            "product_id": kind.product_id,
            "quantity": kind.quantity.milli,
            "serving_name": kind.serving_name,
        }
    if isinstance(kind, Swap):
        return {
            **empty,
            "kind": "swap",
            "swap_from_product_id": kind.from_product_id,
            "swap_to_product_id": kind.to_product_id,
        }
    return {**empty, "kind": "price_only"}


def rule_kind_from_row(row: AnyRow, dimension: str | None) -> RuleKind:
    """`dimension`: the added product's, for an `add` rule."""
    if row.kind == "multiply":
        return Multiply(Fraction(int(row.factor), 1000))
    if row.kind == "add":
        assert dimension is not None
        return Add(
            ProductId(row.product_id),
            Quantity(Dimension(dimension), int(row.quantity)),
            row.serving_name,
        )
    if row.kind == "swap":
        return Swap(ProductId(row.swap_from_product_id), ProductId(row.swap_to_product_id))
    return PriceOnly()
