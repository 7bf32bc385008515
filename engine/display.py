"""Showing quantities the way the venue writes them.

Decisions where the rules are silent:
- `us` venues see ounces first with millilitres beside them (`1.50 oz (44.4 ml)`); `imperial`
  venues the same with UK ounces; `metric` venues millilitres only (`44.4 ml`). Ounces show two
  decimals, millilitres one. Counted and weighed goods show up to three decimals, trailing zeros
  dropped (`2.5 each`, `12 g`).
- Containers show three decimals (`2.941`), half-even, as in `stock`.
- JSON numbers in base units (`base_number`) keep the three decimals the sub-unit allows.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from engine.exact import to_decimal
from engine.quantity import Quantity
from engine.units import Dimension, fluid_ounce
from engine.venue import UnitSystem


def base_number(quantity: Quantity) -> Decimal:
    """The quantity in base units (ml, each, g), exact: 2205.640 for 2,205,640 µl."""
    return to_decimal(quantity.base, 3)


def _trimmed(value: Fraction, places: int) -> str:
    text = f"{to_decimal(value, places):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_quantity(quantity: Quantity, system: UnitSystem) -> str:
    """`1.50 oz (44.4 ml)` (us, imperial), `44.4 ml` (metric), `2.5 each`, `12 g`."""
    if quantity.dimension is Dimension.COUNT:
        return f"{_trimmed(quantity.base, 3)} each"
    if quantity.dimension is Dimension.MASS:
        return f"{_trimmed(quantity.base, 3)} g"
    ml = f"{to_decimal(quantity.base, 1):f} ml"
    if system is UnitSystem.METRIC:
        return ml
    ounces = Fraction(quantity.milli) / fluid_ounce(system)
    return f"{to_decimal(ounces, 2):f} oz ({ml})"


def containers(on_hand: Quantity, container_size: Quantity) -> Fraction:
    """On-hand in containers, exact (may be negative)."""
    return on_hand.ratio(container_size)


def format_milli_containers(milli: int) -> str:
    """Whole or part containers as a manager types them (par, reorder, a delivery): 6000 -> `6`,
    2500 -> `2.5`, 1234 -> `1.234`."""
    return _trimmed(Fraction(milli, 1000), 3)


def format_containers(on_hand: Quantity, container_size: Quantity) -> str:
    """On-hand in containers with three decimals: `2.941`."""
    return f"{to_decimal(containers(on_hand, container_size), 3):f}"
