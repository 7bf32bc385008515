"""Values as the command grammar hands them over, and their resolution against a venue.

The grammar parses text once; these functions never re-parse it. A quantity arrives as
`(amount: Fraction, unit: str | None)` (a unit word, a serving-size name, or None for whole
containers), money as `(amount: Decimal, symbol: str | None)`. The `*Like` protocols let the
grammar's own values (`QuantityText`, `MoneyText`, `Ingredient`) be passed as they are.

Decisions where the rules are silent:
- A serving name may be plural (`2 shots`): a trailing `s` is dropped when the plural is not
  itself a serving. Unit words win over serving names spelt the same.
- A money symbol must be one the venue's currency is written with (`$` for USD, CAD, ...); a bare
  amount is in the venue's currency; more decimals than the currency has are refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Protocol, runtime_checkable

from engine.errors import InvalidInput
from engine.exact import round_half_even
from engine.money import SYMBOLS, Money, typed_example
from engine.quantity import Quantity
from engine.units import UNIT_HINT, Dimension, lookup_unit, sub_units_per
from engine.venue import CURRENCY_EXPONENTS, UnitSystem


@runtime_checkable
class QuantityLike(Protocol):
    @property
    def amount(self) -> Fraction: ...

    @property
    def unit(self) -> str | None: ...


@runtime_checkable
class MoneyLike(Protocol):
    @property
    def amount(self) -> Decimal: ...

    @property
    def symbol(self) -> str | None: ...


class IngredientLike(Protocol):
    @property
    def quantity(self) -> QuantityLike: ...

    @property
    def product(self) -> str: ...


@dataclass(frozen=True, slots=True)
class TypedQuantity:
    """`1.5 oz` -> TypedQuantity(Fraction(3, 2), "oz"); `3.4` -> (17/5, None): containers."""

    amount: Fraction
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class TypedMoney:
    """`$22.50` -> TypedMoney(Decimal("22.50"), "$")."""

    amount: Decimal
    symbol: str | None = None


@dataclass(frozen=True, slots=True)
class TypedIngredient:
    """`1.5 oz Milagro Blanco`: a quantity and a product name as typed."""

    quantity: TypedQuantity
    product: str


@dataclass(frozen=True, slots=True)
class Resolved:
    """A typed quantity in base sub-units; `serving_name` when typed as a serving size,
    `containers` (milli) when typed as a bare number of containers."""

    quantity: Quantity
    serving_name: str | None = None
    containers: int | None = None


def resolve_quantity(
    amount: Fraction,
    unit: str | None,
    system: UnitSystem,
    servings: Mapping[str, Quantity] | None = None,
    *,
    dimension: Dimension | None = None,
    container: Quantity | None = None,
    allow_zero: bool = False,
    what: str = "quantity",
) -> Resolved:
    """Resolve `(amount, unit)`: a unit word with its exact factor, a serving size (x amount), or
    (unit None) containers of `container`; rounded once, half-even, to the sub-unit.

    `dimension` is the dimension the result must have; `container` is required for unit None."""
    shown = f"{amount} {unit}" if unit else f"{amount}"
    if amount < 0 or (amount == 0 and not allow_zero):
        raise InvalidInput(f"{what} {shown!r} must be more than zero")
    serving_name: str | None = None
    containers: int | None = None
    if unit is None:
        if container is None:
            raise InvalidInput(f"{what} {shown!r} needs a unit", hint=f"units: {UNIT_HINT}")
        quantity = container.scaled(amount)
        containers = round_half_even(amount * 1000)
    elif (found := lookup_unit(unit)) is not None:
        quantity = Quantity(found.dimension, round_half_even(amount * sub_units_per(found, system)))
    else:
        serving_name, per = _serving(unit, servings or {})
        quantity = per.scaled(amount)
    if dimension is not None and quantity.dimension is not dimension:
        raise InvalidInput(
            f"{what} {shown!r} is a {quantity.dimension}, not a {dimension}",
            hint=f"use a quantity in {dimension.base_unit}",
        )
    if quantity.milli == 0 and not allow_zero:
        raise InvalidInput(f"{what} {shown!r} rounds to nothing")
    return Resolved(quantity, serving_name, containers)


def _serving(word: str, servings: Mapping[str, Quantity]) -> tuple[str, Quantity]:
    by_key = {" ".join(name.casefold().split()): (name, q) for name, q in servings.items()}
    key = " ".join(word.casefold().split())
    if key in by_key:
        return by_key[key]
    if key.endswith("s") and key[:-1] in by_key:
        return by_key[key[:-1]]
    known = ", ".join(sorted(name for name, _ in by_key.values())) or "none yet"
    raise InvalidInput(
        f"{word!r} is not a unit or a serving size",
        hint=f"units: {UNIT_HINT}; serving sizes: {known}",
    )


def resolve_money(amount: Decimal, symbol: str | None, currency: str) -> Money:
    """`(22.50, "$")` in the venue's `currency` as minor units; refuses another currency's
    symbol, negative amounts and more decimals than the currency has."""
    exponent = CURRENCY_EXPONENTS[currency]
    shown = f"{symbol or ''}{amount}"
    if symbol is not None:
        symbol = symbol.strip()
        own = SYMBOLS.get(currency, "").strip()
        if symbol.upper() != currency and symbol != own:
            raise InvalidInput(
                f"amount {shown!r} is not in {currency}, the venue's currency",
                hint=f"e.g. {typed_example(Money(2250 * 10 ** max(exponent - 2, 0), currency))}",
            )
    if not amount.is_finite() or amount < 0:
        raise InvalidInput(f"amount {shown!r} must not be negative")
    minor = amount.scaleb(exponent)
    if minor != minor.to_integral_value():
        raise InvalidInput(
            f"amount {shown!r} has more decimals than {currency} allows ({exponent})"
        )
    return Money(int(minor), currency)


def resolve_containers(amount: Fraction, *, what: str = "containers") -> int:
    """A number of containers (par, reorder point, a delivery) as milli-containers, half-even;
    refuses negatives."""
    if amount < 0:
        raise InvalidInput(f"{what} {amount} must not be negative")
    return round_half_even(amount * 1000)


def resolve_percent(pct: Decimal) -> int:
    """`12.5` (%) as milli-percent, 12,500; refuses negatives and finer than 0.001%."""
    milli = pct.scaleb(3)
    if not pct.is_finite() or pct < 0 or milli != milli.to_integral_value():
        raise InvalidInput(f"percentage {pct}% is not valid", hint="e.g. 10% or 12.5%")
    return int(milli)
