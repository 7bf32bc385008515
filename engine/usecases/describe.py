"""How catalog values read in a `Change` and in the audit log: as a manager would write them."""

from __future__ import annotations

from collections.abc import Mapping

from engine.catalog import Add, Multiply, Product, ProductId, Recipe, RuleKind, Swap
from engine.display import format_milli_containers, format_quantity
from engine.quantity import Quantity
from engine.usecases.common import Values
from engine.venue import UnitSystem, Venue


def product_values(product: Product, venue: Venue) -> Values:
    return {
        "name": product.name,
        "container": format_quantity(product.container_size, venue.units),
        "cost": product.cost_per_container.display(venue.locale),
        "par": format_milli_containers(product.par),
        "reorder": format_milli_containers(product.reorder_at),
        "category": product.category,
    } | ({"vendor": product.vendor} if product.vendor else {})


def amount(quantity: Quantity, serving: str | None, system: UnitSystem) -> str:
    shown = format_quantity(quantity, system)
    return f"{serving} = {shown}" if serving else shown


def recipe_text(recipe: Recipe, names: Mapping[ProductId, str], system: UnitSystem) -> str:
    return " + ".join(
        f"{amount(item.quantity, item.serving_name, system)} {names.get(item.product_id, '?')}"
        for item in recipe.items
    )


def rule_text(kind: RuleKind, names: Mapping[ProductId, str], system: UnitSystem) -> str:
    if isinstance(kind, Multiply):
        factor = kind.factor
        return f"x{factor.numerator}" if factor.denominator == 1 else f"x{float(factor):g}"
    if isinstance(kind, Add):
        quantity = amount(kind.quantity, kind.serving_name, system)
        return f"+ {quantity} {names.get(kind.product_id, '?')}"
    if isinstance(kind, Swap):
        return (
            f"swap {names.get(kind.from_product_id, '?')} -> {names.get(kind.to_product_id, '?')}"
        )
    return "price only"
