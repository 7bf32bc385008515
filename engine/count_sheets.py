"""Count sheets and count sessions: the weekly count, as pure values and rules.

A count sheet lists every product on the shelf (archived ones are gone) in the order of the walk,
each with the on-hand barback expects; a count session records what was counted on it, every
product at one instant. A draft keeps a half-filled sheet for one person at one venue.

Decisions where the rules are silent:
- Sheet order: products with a shelf position (`product set X shelf 3`) first, by position; then
  the rest by category (products without one last) and name. A sheet shows a category heading
  wherever the category changes.
- Products left blank are not counted; a product counted twice in one session is refused (the
  manager meant one of the two), as is an empty session.
- A count above `MAX_COUNT_CONTAINERS` containers is refused as implausible (a typo: 2550 for
  2.550), everywhere a count is typed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from engine.catalog import Product, ProductId
from engine.errors import InvalidInput
from engine.quantity import Quantity

MAX_COUNT_CONTAINERS = 10_000
MAX_DRAFT_TEXT = 50
"""The longest text kept for one product in a draft (`2 1/2 bottles` is 13)."""


@dataclass(frozen=True, slots=True)
class SheetLine:
    """One product on the sheet, and the on-hand expected before counting it."""

    product: Product
    expected: Quantity

    @property
    def expected_containers(self) -> Fraction:
        return self.expected.ratio(self.product.container_size)


@dataclass(frozen=True, slots=True)
class CountDraft:
    """A half-filled count sheet: what was typed per product id, the page last shown, and a
    revision that grows with every save (a form shows a new revision with fresh fields)."""

    entries: Mapping[ProductId, str]
    page: int = 1
    revision: int = 1
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CountEntry:
    """One product's count as typed: `where` names its place for a refusal (`line 4`),
    `product` is a product id (a form) or a name as typed (a file)."""

    where: str
    product: ProductId | str
    amount: object
    """A `QuantityLike` (`engine.usecases.inputs`): kept untyped here to stay free of it."""


def sheet_key(product: Product) -> tuple[bool, int, bool, str, str]:
    """Shelf position first (unset last), then category (unset last), then name."""
    category = (product.category or "").casefold()
    return (
        product.shelf is None,
        product.shelf or 0,
        not category,
        category,
        product.name.casefold(),
    )


def in_sheet_order(lines: Sequence[SheetLine]) -> tuple[SheetLine, ...]:
    return tuple(sorted(lines, key=lambda line: sheet_key(line.product)))


def pages(lines: Sequence[SheetLine], size: int) -> tuple[tuple[SheetLine, ...], ...]:
    """The sheet cut into pages of at most `size` products (one empty page for no products)."""
    if size < 1:
        raise ValueError("a page holds at least one product")
    cut = tuple(tuple(lines[i : i + size]) for i in range(0, len(lines), size))
    return cut or ((),)


def check_plausible(product: Product, quantity: Quantity) -> None:
    """Refuse a count of more than `MAX_COUNT_CONTAINERS` containers of `product`."""
    if quantity.milli > product.container_size.milli * MAX_COUNT_CONTAINERS:
        raise InvalidInput(
            f"a count of more than {MAX_COUNT_CONTAINERS:,} containers of {product.name!r} "
            "is not plausible",
            hint="check the number: a bare number is containers (3.4), else give a unit (2550 ml)",
        )


def draft_entries(typed: Mapping[ProductId, str]) -> dict[ProductId, str]:
    """What a draft keeps: non-blank texts, spaces collapsed; refuses an overlong one."""
    kept: dict[ProductId, str] = {}
    for product_id, text in typed.items():
        value = " ".join(text.split())
        if len(value) > MAX_DRAFT_TEXT:
            raise InvalidInput(
                f"{value[:20]!r}... is longer than {MAX_DRAFT_TEXT} characters",
                hint="type a count such as 3.4 or 2550 ml",
            )
        if value:
            kept[product_id] = value
    return kept
