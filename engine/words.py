"""Recipes and modifier rules written back in the grammar's own words, so that what barback
writes (an export, a guess, a hint) reads back through the parser to the same values.

Servings by name where the quantity is a whole number of thousandths of one (`2 shot`), other
quantities exactly in the base unit (`22.18 ml`, `1 each`, `250 g`); product names quoted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from engine.catalog import Add, Multiply, ProductId, RecipeItem, RuleKind, Swap
from engine.exact import round_half_even, to_decimal
from engine.quantity import Quantity
from engine.units import Dimension, fluid_ounce
from engine.venue import UnitSystem

BASE_WORD = {"volume": "ml", "count": "each", "mass": "g"}


def quote(name: str) -> str:
    """A name as the grammar reads it back: in double quotes (single when it holds one)."""
    return f"'{name}'" if '"' in name else f'"{name}"'


def number(value: Fraction) -> str:
    """Exact to the thousandth, without trailing zeros: 3/2 -> `1.5`, 750 -> `750`."""
    text = f"{to_decimal(value, 3):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount_words(
    quantity: Quantity,
    serving: str | None,
    servings: Mapping[str, Quantity],
    system: UnitSystem | None = None,
) -> str:
    """A serving by name where exact; else ounces in a venue that counts in them, where three
    decimals of an ounce give the stored µl back; else the base unit, exactly."""
    size = servings.get(serving) if serving else None
    if serving and size is not None and size.milli:
        times = Fraction(quantity.milli, size.milli)
        if (times * 1000).denominator == 1:
            return f"{number(times)} {serving}"
    if (
        system is not None
        and system is not UnitSystem.METRIC
        and quantity.dimension is Dimension.VOLUME
    ):
        per_oz = fluid_ounce(system)
        ounces = Fraction(round_half_even(Fraction(quantity.milli) / per_oz * 1000), 1000)
        if round_half_even(ounces * per_oz) == quantity.milli:
            return f"{number(ounces)} oz"
    return f"{number(Fraction(quantity.milli, 1000))} {BASE_WORD[quantity.dimension.value]}"


def recipe_words(
    items: Iterable[RecipeItem],
    names: Mapping[ProductId, str],
    servings: Mapping[str, Quantity],
    system: UnitSystem | None = None,
) -> str:
    """`1 shot "Tito's Vodka" + 0.75 oz "Cointreau"`: as typed after `map "..." =`."""
    return " + ".join(
        f"{amount_words(i.quantity, i.serving_name, servings, system)} {quote(names[i.product_id])}"
        for i in items
    )


def rule_words(
    kind: RuleKind,
    names: Mapping[ProductId, str],
    servings: Mapping[str, Quantity],
    system: UnitSystem | None = None,
) -> str:
    """`x2`, `+ 1 shot "Cointreau"`, `swap "A" -> "B"`, `price only`: after `modifier "..." =`."""
    if isinstance(kind, Multiply):
        return f"x{number(kind.factor)}"
    if isinstance(kind, Add):
        amount = amount_words(kind.quantity, kind.serving_name, servings, system)
        return f"+ {amount} {quote(names[kind.product_id])}"
    if isinstance(kind, Swap):
        return f"swap {quote(names[kind.from_product_id])} -> {quote(names[kind.to_product_id])}"
    return "price only"
