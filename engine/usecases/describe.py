"""How catalog values read in a `Change` and in the audit log: as a manager would write them."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from engine.catalog import Add, Multiply, Product, ProductId, Recipe, RuleKind, Swap
from engine.display import format_milli_containers, format_quantity
from engine.exact import to_decimal
from engine.quantity import Quantity
from engine.usecases.common import Values
from engine.venue import UnitSystem, Venue


def product_values(product: Product, venue: Venue) -> Values:
    values: dict[str, str | bool | None] = {
        "name": product.name,
        "container": format_quantity(product.container_size, venue.units),
        "cost": product.cost_per_container.display(venue.locale),
        "par": format_milli_containers(product.par),
        "reorder": format_milli_containers(product.reorder_at),
        "category": product.category,
    }
    if product.vendor:
        values["vendor"] = product.vendor
    if product.shelf is not None:
        values["shelf"] = str(product.shelf)
    return values


Servings = Mapping[str, Quantity]
"""The serving sizes in effect, by name: how a recipe typed in servings is shown again."""


def amount(
    quantity: Quantity, serving: str | None, system: UnitSystem, servings: Servings | None = None
) -> str:
    """As typed: `shot (1.50 oz)`, `2 x shot (3.00 oz)`; a unit quantity `1.50 oz (44.4 ml)`."""
    if not serving:
        return format_quantity(quantity, system)
    short = format_quantity(quantity, system).split(" (")[0]
    size = next(
        (q for name, q in (servings or {}).items() if name.casefold() == serving.casefold()),
        None,
    )
    times = None if size is None or size.milli <= 0 else Fraction(quantity.milli, size.milli)
    if times is None or times == 1 or size is None or size.dimension is not quantity.dimension:
        return f"{serving} ({short})"
    return f"{format_number(times)} x {serving} ({short})"


def format_number(n: Fraction) -> str:
    """2 -> `2`, 3/2 -> `1.5`, 1/3 -> `0.333`."""
    return str(n.numerator) if n.denominator == 1 else f"{to_decimal(n, 3):f}".rstrip("0")


def recipe_text(
    recipe: Recipe,
    names: Mapping[ProductId, str],
    system: UnitSystem,
    servings: Servings | None = None,
) -> str:
    return " + ".join(
        f"{amount(item.quantity, item.serving_name, system, servings)} "
        f"{names.get(item.product_id, '?')}"
        for item in recipe.items
    )


def rule_text(
    kind: RuleKind,
    names: Mapping[ProductId, str],
    system: UnitSystem,
    servings: Servings | None = None,
) -> str:
    if isinstance(kind, Multiply):
        factor = kind.factor
        return f"x{factor.numerator}" if factor.denominator == 1 else f"x{float(factor):g}"
    if isinstance(kind, Add):
        quantity = amount(kind.quantity, kind.serving_name, system, servings)
        return f"+ {quantity} {names.get(kind.product_id, '?')}"
    if isinstance(kind, Swap):
        return (
            f"swap {names.get(kind.from_product_id, '?')} -> {names.get(kind.to_product_id, '?')}"
        )
    return "price only"
