"""The catalog: products, serving sizes, recipes (POS item -> products) and modifier rules.

Everything that changes over time is a version with `valid_from`/`valid_to` (see `versioning`):
`ProductCost` (cost per container and container size), `ServingSize`, `Recipe` (one mapping
version of a POS item) and `ModifierRule`.

Decisions where the rules are silent:
- POS items and modifiers are keyed by the POS's stable id (`PosItemId`, `ModifierId`: strings
  as the POS gives them; generic receipts use the casefolded name), scoped by the receipt's
  provider.
- Modifier quantities are per unit of the line, like Square's: a line of 2 margaritas with one
  `+ 0.5 oz Grand Marnier` modifier adds 0.5 oz to each, 1 oz in all.
- `Add` scales with the modifier's quantity (two `extra shot` = two shots); `Multiply` applies once
  per modifier line, whatever its quantity (`double` twice is not x4); `Swap` replaces every unit of
  the product, same quantity; `PriceOnly` changes nothing. A swap whose product is not in the recipe
  changes nothing.
- A recipe item keeps the serving name it was typed with beside its resolved quantity, so a later
  serving change re-versions the recipe rather than rewriting it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import NewType

from engine.errors import InvalidInput
from engine.money import Money
from engine.quantity import Quantity
from engine.units import Dimension

ProductId = NewType("ProductId", int)
MappingId = NewType("MappingId", int)
RuleId = NewType("RuleId", int)
PosItemId = NewType("PosItemId", str)
ModifierId = NewType("ModifierId", str)


def name_key(name: str) -> str:
    """The case-insensitive key names are unique by: casefolded, spaces collapsed."""
    return " ".join(name.casefold().split())


@dataclass(frozen=True, slots=True)
class Product:
    """A thing on the shelf. `par` and `reorder_at` are milli-containers (6 containers = 6000)."""

    id: ProductId
    name: str
    dimension: Dimension
    container_size: Quantity
    cost_per_container: Money
    par: int = 0
    reorder_at: int = 0
    category: str | None = None
    vendor: str | None = None

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidInput("a product needs a name", hint='e.g. "Tito\'s Vodka"')
        if self.container_size.dimension is not self.dimension or self.container_size.milli <= 0:
            raise InvalidInput(
                f"container of {self.name!r} must be a positive {self.dimension}",
                hint="e.g. 750ml, 1/2 bbl or 1 each",
            )
        if self.cost_per_container.minor < 0:
            raise InvalidInput(f"cost of {self.name!r} must not be negative")
        if self.par < 0 or self.reorder_at < 0:
            raise InvalidInput(f"par and reorder point of {self.name!r} must not be negative")


@dataclass(frozen=True, slots=True)
class ProductCost:
    """One version of a product's cost: what a container costs and holds, from `valid_from`."""

    product_id: ProductId
    cost_per_container: Money
    container_size: Quantity
    valid_from: datetime
    valid_to: datetime | None = None

    def __post_init__(self) -> None:
        if self.container_size.milli <= 0:
            raise InvalidInput("a container size must be more than zero")
        if self.cost_per_container.minor < 0:
            raise InvalidInput("a cost must not be negative")

    @property
    def per_sub_unit(self) -> Fraction:
        """Minor units per stored sub-unit (per µl, milli-each, mg), exact."""
        return Fraction(self.cost_per_container.minor, self.container_size.milli)


@dataclass(frozen=True, slots=True)
class ServingSize:
    """A named standard amount: `shot = 1.5 oz`."""

    name: str
    quantity: Quantity
    valid_from: datetime
    valid_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class RecipeItem:
    """One product a POS item pours, per unit sold; `serving_name` when typed as one (`shot`)."""

    product_id: ProductId
    quantity: Quantity
    serving_name: str | None = None

    def __post_init__(self) -> None:
        if self.quantity.milli <= 0:
            raise InvalidInput("a recipe quantity must be more than zero")


@dataclass(frozen=True, slots=True)
class Recipe:
    """One mapping version: what one unit of a POS item depletes while it is in effect."""

    id: MappingId
    pos_item_id: PosItemId
    items: tuple[RecipeItem, ...]
    valid_from: datetime
    valid_to: datetime | None = None

    def __post_init__(self) -> None:
        if not self.items:
            raise InvalidInput("a mapping needs at least one product", hint="unmap it instead")


@dataclass(frozen=True, slots=True)
class Multiply:
    """`x2`: every quantity of the line's recipe times `factor`."""

    factor: Fraction

    def __post_init__(self) -> None:
        if self.factor <= 0:
            raise InvalidInput("a multiplier must be more than zero", hint="e.g. x2 or x1.5")


@dataclass(frozen=True, slots=True)
class Add:
    """`+ 0.5 oz Grand Marnier`: adds an ingredient, times the modifier's quantity."""

    product_id: ProductId
    quantity: Quantity
    serving_name: str | None = None

    def __post_init__(self) -> None:
        if self.quantity.milli <= 0:
            raise InvalidInput("an added quantity must be more than zero")


@dataclass(frozen=True, slots=True)
class Swap:
    """`swap Milagro Blanco -> Patron Silver`: replace a product, same quantity."""

    from_product_id: ProductId
    to_product_id: ProductId

    def __post_init__(self) -> None:
        if self.from_product_id == self.to_product_id:
            raise InvalidInput("a swap needs two different products")


@dataclass(frozen=True, slots=True)
class PriceOnly:
    """`price only`: changes the price (already in the receipt's net amount), not the pour."""


RuleKind = Multiply | Add | Swap | PriceOnly


@dataclass(frozen=True, slots=True)
class ModifierRule:
    """One version of what a POS modifier does to a line's recipe."""

    id: RuleId
    modifier_id: ModifierId
    kind: RuleKind
    valid_from: datetime
    valid_to: datetime | None = None
