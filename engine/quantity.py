"""Quantity: an exact amount of one dimension, in integer thousandths of its base unit.

`Quantity(Dimension.VOLUME, 44_360)` is 44.360 ml. Sums and differences are exact integers;
scaling by a `Fraction` rounds once, half-even, to the sub-unit. Typed quantities (`1.5 oz`,
`1/2 bbl`, `shot`, `2 shots`) are converted with the exact unit factor and rounded once, half-even.

Decisions where the rules are silent:
- Numbers may be decimals (`1.5`, `.75`), fractions (`1/2`) or mixed (`1 1/2`); no signs, no
  exponents, no thousands separators.
- A serving-size name may carry a multiplier: `2 shots` = 2 x shot (a trailing `s` is dropped
  when the plural is not itself a serving name). Units win over serving names spelt the same.
- A typed quantity must be positive unless the caller allows zero (a count may be `0`).
- An amount without a unit (`3.4`) is a number of containers; with one (`2550 ml`) a base quantity.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from engine.errors import InvalidInput
from engine.exact import round_half_even
from engine.units import (
    SUB_UNITS_PER_BASE,
    UNIT_HINT,
    UNITS,
    Dimension,
    lookup_unit,
    sub_units_per,
)
from engine.venue import UnitSystem

_NUMBER = r"(?:\d+\s+\d+/\d+|\d+/\d+|\d+(?:\.\d*)?|\.\d+)"
_NUMBER_RE = re.compile(rf"^\s*({_NUMBER})\s*$")
_QUANTITY_RE = re.compile(rf"^\s*(?:({_NUMBER})\s*)?([^\d\s./].*?)?\s*$")


@dataclass(frozen=True, slots=True)
class Quantity:
    """An exact quantity: `milli` thousandths of the dimension's base unit (µl, milli-each, mg)."""

    dimension: Dimension
    milli: int

    @classmethod
    def zero(cls, dimension: Dimension) -> Quantity:
        return cls(dimension, 0)

    @classmethod
    def of_base(cls, dimension: Dimension, amount: Fraction | int | str) -> Quantity:
        """From base units (ml, each, g), rounded half-even to the sub-unit."""
        return cls(dimension, round_half_even(Fraction(amount) * SUB_UNITS_PER_BASE))

    @property
    def base(self) -> Fraction:
        """The exact amount in base units (ml, each, g)."""
        return Fraction(self.milli, SUB_UNITS_PER_BASE)

    def _same(self, other: Quantity) -> None:
        if other.dimension is not self.dimension:
            raise InvalidInput(
                f"cannot combine {self.dimension} with {other.dimension}",
                hint=f"use a quantity in {self.dimension.base_unit}",
            )

    def __add__(self, other: Quantity) -> Quantity:
        self._same(other)
        return Quantity(self.dimension, self.milli + other.milli)

    def __sub__(self, other: Quantity) -> Quantity:
        self._same(other)
        return Quantity(self.dimension, self.milli - other.milli)

    def __neg__(self) -> Quantity:
        return Quantity(self.dimension, -self.milli)

    def __lt__(self, other: Quantity) -> bool:
        self._same(other)
        return self.milli < other.milli

    def __le__(self, other: Quantity) -> bool:
        self._same(other)
        return self.milli <= other.milli

    def scaled(self, factor: Fraction | int) -> Quantity:
        """This quantity times `factor`, rounded once, half-even, to the sub-unit."""
        return Quantity(self.dimension, round_half_even(self.milli * Fraction(factor)))

    def ratio(self, other: Quantity) -> Fraction:
        """self / other, exact: e.g. on-hand in containers. `other` must not be zero."""
        self._same(other)
        return Fraction(self.milli, other.milli)


def parse_number(text: str, *, what: str = "number") -> Fraction:
    """`1.5`, `.75`, `1/2`, `1 1/2` -> an exact non-negative Fraction; else InvalidInput."""
    match = _NUMBER_RE.match(text)
    if match is None:
        raise InvalidInput(f"{what} {text.strip()!r} is not a number", hint="e.g. 1.5 or 1/2")
    return _number(match.group(1), what=what)


def _number(text: str, *, what: str) -> Fraction:
    whole, _, fraction = text.strip().rpartition(" ")
    if "/" in fraction:
        numerator, denominator = fraction.split("/")
        if int(denominator) == 0:
            raise InvalidInput(f"{what} {text!r} divides by zero", hint="e.g. 1/2")
        value = Fraction(int(numerator), int(denominator))
    else:
        value = Fraction(fraction)
    return value + (int(whole) if whole else 0)


def parse_quantity(
    text: str,
    system: UnitSystem,
    servings: Mapping[str, Quantity] | None = None,
    *,
    dimension: Dimension | None = None,
    allow_zero: bool = False,
) -> Quantity:
    """A typed quantity: `1.5 oz`, `750ml`, `1/2 bbl`, `1 each`, `12 g`, `shot`, `2 shots`.

    `servings` maps the venue's serving-size names (any case) to their stored quantities.
    `dimension`, when given, is the dimension the quantity must have (the product's).
    """
    if text.strip().startswith("-"):
        raise InvalidInput(f"quantity {text.strip()!r} must be more than zero")
    match = _QUANTITY_RE.match(text)
    if match is None or match.group(2) is None:
        raise InvalidInput(
            f"quantity {text.strip()!r} needs a unit",
            hint=f"e.g. 1.5 oz, 44 ml or a serving size; units: {UNIT_HINT}",
        )
    number = Fraction(1) if match.group(1) is None else _number(match.group(1), what="quantity")
    word = match.group(2)
    unit = lookup_unit(word)
    if unit is not None:
        if match.group(1) is None:
            raise InvalidInput(f"quantity {text.strip()!r} needs a number", hint=f"e.g. 1 {word}")
        result = Quantity(unit.dimension, round_half_even(number * sub_units_per(unit, system)))
    else:
        result = _serving(word, servings or {}).scaled(number)
    if dimension is not None and result.dimension is not dimension:
        raise InvalidInput(
            f"{text.strip()!r} is a {result.dimension}, not a {dimension}",
            hint=f"use a quantity in {dimension.base_unit}",
        )
    if result.milli < 0 or (result.milli == 0 and not allow_zero):
        raise InvalidInput(f"quantity {text.strip()!r} must be more than zero")
    return result


def _serving(word: str, servings: Mapping[str, Quantity]) -> Quantity:
    by_key = {name.casefold(): quantity for name, quantity in servings.items()}
    key = " ".join(word.casefold().split())
    if key in by_key:
        return by_key[key]
    if key.endswith("s") and key[:-1] in by_key:
        return by_key[key[:-1]]
    known = sorted({*UNITS, *by_key})
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(close)}?" if close else f"units: {UNIT_HINT}"
    if by_key and not close:
        hint += "; serving sizes: " + ", ".join(sorted(by_key))
    raise InvalidInput(f"{word!r} is not a unit or a serving size", hint=hint)


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount typed for a count: its quantity, and the containers typed if it was `3.4`."""

    quantity: Quantity
    containers_milli: int | None


def parse_containers(text: str, *, what: str = "containers") -> int:
    """A number of containers (`6`, `3.4`, `1/2`) as milli-containers, rounded half-even."""
    return round_half_even(parse_number(text, what=what) * 1000)


def parse_amount(
    text: str,
    container_size: Quantity,
    system: UnitSystem,
    servings: Mapping[str, Quantity] | None = None,
) -> Amount:
    """`3.4` = 3.4 containers; `2550 ml` = that base quantity. Zero is allowed (an empty shelf).

    Containers convert with the exact typed number (3.4 x 750 ml = 2,550,000 µl), rounded once.
    """
    if _NUMBER_RE.match(text):
        containers = parse_number(text, what="amount")
        return Amount(
            quantity=container_size.scaled(containers),
            containers_milli=round_half_even(containers * 1000),
        )
    quantity = parse_quantity(
        text, system, servings, dimension=container_size.dimension, allow_zero=True
    )
    return Amount(quantity=quantity, containers_milli=None)
