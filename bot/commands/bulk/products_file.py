"""`product import <file.csv>` and `products --csv`: the product sheet (docs/bulk-setup.md).

Columns: `name`, `container` (with its unit: `750 ml`, `1/2 bbl`, `24 each`), `cost` (per
container, the venue's currency: `22.50` or `$22.50`) required; `par`, `reorder` (containers),
`category`, `vendor` optional. Cells read as the same words do in `product add`. The export
writes containers in ml, each or g, exactly as stored, so importing it back changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from functools import partial

from bot.commands.amounts import read_money, read_number, read_quantity
from bot.commands.bulk.sheets import Row, read_sheet, write_sheet
from bot.commands.tokens import Cursor, tokenize
from engine.catalog import Product
from engine.errors import InvalidInput
from engine.usecases.bulk import Numbered, Problems
from engine.usecases.catalog import TypedProduct
from engine.words import BASE_WORD, number

COLUMNS = ("name", "container", "cost", "par", "reorder", "category", "vendor")
REQUIRED = COLUMNS[:3]


def read_products(data: bytes, file: str) -> list[Numbered[TypedProduct]]:
    rows = read_sheet(data, file, required=REQUIRED, optional=COLUMNS[3:])
    problems = Problems(file)
    found = [
        Numbered(row.line, typed)
        for row in rows
        if (typed := problems.check(row.line, partial(_product, row))) is not None
    ]
    problems.refuse_if_any()
    return found


def _product(row: Row) -> TypedProduct:
    name = " ".join(row.get("name").split())
    if not name:
        raise InvalidInput("the name is empty")
    cell = _cell(row, "container")
    container = read_quantity(cell, "container", unit_needed=True, known_units_only=True)
    _whole(cell, "container")
    cell = _cell(row, "cost")
    cost = read_money(cell, "cost")
    _whole(cell, "cost")
    return TypedProduct(
        name=name,
        container=container,
        cost=cost,
        par=_containers(row, "par"),
        reorder=_containers(row, "reorder"),
        category=row.get("category") or None,
        vendor=row.get("vendor") or None,
    )


def _cell(row: Row, column: str) -> Cursor:
    text = row.get(column)
    if not text:
        raise InvalidInput(f"{column} is empty")
    cursor = Cursor(tokenize(text))
    return cursor


def _whole(cursor: Cursor, column: str) -> None:
    """A cell holds one value: anything after it is a mistake, not something to drop."""
    if not cursor.at_end():
        rest = " ".join(t.text for t in cursor.rest())
        raise InvalidInput(f"{column} has {rest!r} after its value")


def _containers(row: Row, column: str) -> Fraction | None:
    if not row.get(column):
        return None
    cursor = _cell(row, column)
    value = read_number(cursor, column)
    _whole(cursor, column)
    return value


def write_products(products: Sequence[Product]) -> str:
    return write_sheet(COLUMNS, [_row(p) for p in products])


def _row(p: Product) -> list[str]:
    return [
        p.name,
        f"{number(Fraction(p.container_size.milli, 1000))} {BASE_WORD[p.dimension.value]}",
        p.cost_per_container.to_json(),
        number(Fraction(p.par, 1000)),
        number(Fraction(p.reorder_at, 1000)),
        p.category or "",
        p.vendor or "",
    ]
