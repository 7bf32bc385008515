"""Money: integer minor units and an ISO 4217 currency (rule 9); cost of goods in micro-minor units.

`Money(1850, "USD")` is $18.50. `Cost(18_500_000, "USD")` is 18.5 cents of cost of goods: a line's
COGS is kept in millionths of the minor unit so sums over thousands of lines never drift, and is
rounded half-even to the minor unit only when shown. Percentages are exact `Fraction`s, rounded only
by `percent_number`/`format_percent` when shown.

Decisions where the rules are silent:
- Typed amounts: `22`, `22.5`, `22.50`, `$22.50`, `USD 22.50`, `22.50 USD`, with the currency's
  symbol or code only if it is the venue's; thousands separators only as `1,200.00`; more
  decimals than the currency has is refused (`22.505` USD), never rounded.
- Money of two currencies never mixes: adding them is refused.
- Pour cost % with net sales of zero is None ("n/a"); with negative net sales (refunds beyond sales)
  it is computed as is, and shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from engine.errors import InvalidInput
from engine.exact import round_half_even, to_decimal
from engine.money_text import format_amount, locale_for
from engine.venue import CURRENCY_EXPONENTS, validate_currency

MICRO = 1_000_000
"""Micro-minor units per minor unit: 1 cent = 1,000,000."""

# The symbols a manager may type before an amount (`$22.50`); shown amounts follow the venue's
# locale instead (`Money.display`).
SYMBOLS: dict[str, str] = {"USD": "$", "CAD": "$", "AUD": "$", "NZD": "$", "EUR": "€", "GBP": "£"}
SYMBOLS.update({"JPY": "¥", "INR": "₹", "KRW": "₩", "CHF": "CHF ", "MXN": "$"})

_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$|^\.(\d+)$")


def _check_same(a: str, b: str) -> None:
    if a != b:
        raise InvalidInput(f"cannot combine {a} with {b}", hint="amounts must share a currency")


@dataclass(frozen=True, slots=True)
class Money:
    """An amount charged: `minor` units (cents) of `currency`."""

    minor: int
    currency: str

    @property
    def exponent(self) -> int:
        return CURRENCY_EXPONENTS[self.currency]

    @property
    def major(self) -> Fraction:
        return Fraction(self.minor, 10**self.exponent)

    def __add__(self, other: Money) -> Money:
        _check_same(self.currency, other.currency)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        _check_same(self.currency, other.currency)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def to_json(self) -> str:
        """A decimal string in major units, as reports give it: `"18.50"`, `"1200"` (JPY)."""
        return f"{Decimal(self.minor).scaleb(-self.exponent):f}"

    def display(self, locale: str | None = None) -> str:
        """For people, in `locale` (a venue's `Venue.locale`; by default the locale of the
        currency's own country, `engine.money_text`): `$18.50`, `-$3.00`, `12,50\u00a0€`."""
        shown_in = locale or locale_for(None, self.currency)
        amount = Decimal(self.minor).scaleb(-self.exponent)
        return format_amount(amount, self.currency, shown_in, digits=self.exponent)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)


@dataclass(frozen=True, slots=True)
class Cost:
    """Cost of goods: `micro` millionths of a minor unit of `currency`."""

    micro: int
    currency: str

    @classmethod
    def zero(cls, currency: str) -> Cost:
        return cls(0, currency)

    @classmethod
    def of(cls, value_minor: Fraction, currency: str) -> Cost:
        """An exact cost in minor units, rounded once, half-even, to the micro-minor unit."""
        return cls(round_half_even(value_minor * MICRO), currency)

    def __add__(self, other: Cost) -> Cost:
        _check_same(self.currency, other.currency)
        return Cost(self.micro + other.micro, self.currency)

    def __sub__(self, other: Cost) -> Cost:
        _check_same(self.currency, other.currency)
        return Cost(self.micro - other.micro, self.currency)

    def __neg__(self) -> Cost:
        return Cost(-self.micro, self.currency)

    def to_money(self) -> Money:
        """Rounded half-even to the minor unit: for display and JSON only, never stored back."""
        return Money(round_half_even(Fraction(self.micro, MICRO)), self.currency)


def parse_money(text: str, currency: str) -> Money:
    """`$22.50`, `22.50`, `22`, `USD 22.50` in the venue's `currency`; refuses other currencies,
    negative amounts and more decimals than the currency has."""
    currency = validate_currency(currency)
    exponent = CURRENCY_EXPONENTS[currency]
    raw = text.strip()
    if raw.startswith("-"):
        raise InvalidInput(f"amount {raw!r} must not be negative")
    body = _strip_currency(raw, currency)
    match = _AMOUNT.match(body)
    if match is None:
        raise InvalidInput(f"amount {raw!r} is not a price", hint=_example(currency))
    decimals = match.group(1) or match.group(2) or ""
    if len(decimals) > exponent:
        raise InvalidInput(
            f"amount {raw!r} has more decimals than {currency} allows ({exponent})",
            hint=_example(currency),
        )
    value = Fraction(Decimal(body.replace(",", "")))
    return Money(int(value * 10**exponent), currency)


def _strip_currency(raw: str, currency: str) -> str:
    upper = raw.upper()
    if upper.startswith(currency):
        return raw[len(currency) :].strip()
    if upper.endswith(currency):
        return raw[: -len(currency)].strip()
    symbol = SYMBOLS.get(currency, "").strip()
    if symbol and raw.startswith(symbol):
        return raw[len(symbol) :].strip()
    codes = {upper[:3], upper[-3:]} & CURRENCY_EXPONENTS.keys()
    if raw[:1] in "$€£¥₹₩" or codes:
        raise InvalidInput(
            f"amount {raw!r} is not in {currency}, the venue's currency", hint=_example(currency)
        )
    return raw


def _example(currency: str) -> str:
    exponent = CURRENCY_EXPONENTS[currency]
    example = Money(
        22 * 10**exponent + (50 * 10 ** (exponent - 2) if exponent >= 2 else 0), currency
    )
    return f"e.g. {typed_example(example)}"


def typed_example(money: Money) -> str:
    """How `money` may be typed (what `parse_money` reads back): `22.50 or $22.50`. Not
    `display()`: a locale's `22,50 €` is for reading, not for typing."""
    symbol = SYMBOLS.get(money.currency)
    typed = f"{symbol}{money.to_json()}" if symbol else f"{money.to_json()} {money.currency}"
    return f"{money.to_json()} or {typed}"


def percent(part: Fraction | int, whole: Fraction | int) -> Fraction | None:
    """part / whole x 100, exact; None when `whole` is zero."""
    if whole == 0:
        return None
    return Fraction(part) / Fraction(whole) * 100


def pour_cost_pct(cogs: Cost, net_sales: Money) -> Fraction | None:
    """COGS / net sales x 100, exact; None ("n/a") when net sales are zero."""
    _check_same(cogs.currency, net_sales.currency)
    return percent(Fraction(cogs.micro, MICRO), net_sales.minor)


def gross_profit(net_sales: Money, cogs: Cost) -> Cost:
    """Net sales - COGS, exact in micro-minor units (show it with `.to_money()`)."""
    _check_same(cogs.currency, net_sales.currency)
    return Cost(net_sales.minor * MICRO - cogs.micro, cogs.currency)


def percent_number(value: Fraction | None, places: int = 2) -> Decimal | None:
    """A percentage for JSON: rounded half-even to `places` (17.06), None stays None (n/a)."""
    return None if value is None else to_decimal(value, places)


def format_percent(value: Fraction | None, places: int = 1) -> str:
    """A percentage for people: `17.1%`, or `n/a`."""
    return "n/a" if value is None else f"{to_decimal(value, places):f}%"
