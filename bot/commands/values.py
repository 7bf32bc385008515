"""The values a command carries, as typed: quantities, money, periods, Slack references,
ingredients and modifier rules. The engine resolves them when a command runs.

Their own module so `commands` holds the commands; `commands` re-exports every name here.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Literal, NamedTuple


@dataclass(frozen=True, slots=True)
class QuantityText:
    """A quantity as typed: `1.5 oz` -> (3/2, "oz"); `shot` -> (1, "shot"); `3.4` -> (17/5, None).

    `unit` is a canonical unit word (oz, ml, cl, l, bbl, gal, each, g, kg, lb), a serving-size name
    as typed (`shot`), or None: whole containers of the product (a bare number, or `bottles`).
    """

    amount: Fraction
    unit: str | None

    def __str__(self) -> str:
        number = _number_text(self.amount)
        return number if self.unit is None else f"{number} {self.unit}"


def _number_text(value: Fraction) -> str:
    """3 -> "3", 3/2 -> "1.5", 1/3 -> "1/3": decimals where they are exact, else a fraction."""
    if value.denominator == 1:
        return str(value.numerator)
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return str(value)
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


@dataclass(frozen=True, slots=True)
class MoneyText:
    """Money as typed: `$22.50` -> (Decimal("22.50"), "$"); `9` -> (Decimal(9), None)."""

    amount: Decimal
    symbol: str | None


class PeriodKind(StrEnum):
    TODAY = "today"  # the business day in progress
    YESTERDAY = "yesterday"
    WEEK = "week"
    MONTH = "month"
    DAY = "day"  # one calendar business day: start == end
    RANGE = "range"  # start..end, both included


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period. Relative kinds carry no dates: the session resolves them in the venue's
    time zone and business day; DAY and RANGE carry validated dates with start <= end."""

    kind: PeriodKind
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A Slack channel: by id (`C0123ABC`), by name (`#bar-alerts`, looked up later), or both."""

    id: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class UserRef:
    """A Slack user by id (`U0123ABC` or `W0123ABC`)."""

    id: str


class Ingredient(NamedTuple):
    """One `<quantity> <product>` of a recipe or of an `add` modifier rule."""

    quantity: QuantityText
    product: str


@dataclass(frozen=True, slots=True)
class Multiply:
    """`x2`: multiply every quantity of the line's recipe."""

    factor: Fraction


@dataclass(frozen=True, slots=True)
class Add:
    """`+ 0.5 oz Grand Marnier`: add an ingredient (scales with the modifier's quantity)."""

    quantity: QuantityText
    product: str


@dataclass(frozen=True, slots=True)
class Swap:
    """`swap Milagro Blanco -> Patron Silver`: replace a product, same quantity."""

    from_product: str
    to_product: str


@dataclass(frozen=True, slots=True)
class PriceOnly:
    """`price only`: the modifier changes the price, not the pour."""


ModifierRule = Multiply | Add | Swap | PriceOnly
ProductField = Literal["cost", "par", "reorder", "container", "category", "vendor", "shelf"]
Provider = Literal["square", "toast", "clover", "shopify"]
