"""Turning exact engine values into the cells and JSON values a `Reply` carries.

One place for the conventions of commands.md "The CLI's JSON": money as decimal strings in major
units (`"18.50"`), quantities as numbers in base units (three decimals, the sub-unit) with the unit
named, percentages as numbers with two decimals, times as ISO 8601 in the venue's zone. Rounding
is half-even, once, here (`engine.exact`); nothing is rounded before.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from engine.display import (
    base_number,
    format_containers,
    format_milli_containers,
    format_quantity,
)
from engine.exact import to_decimal
from engine.money import Cost, Money, format_percent, percent_number
from engine.quantity import Quantity
from engine.venue import Venue

Number = int | float


def number(value: Decimal) -> Number:
    """A JSON number: `750` for 750.000, `2205.64` for 2205.640 (floats print shortest)."""
    return int(value) if value == value.to_integral_value() else float(value)


def decimal_number(value: Fraction | int, places: int) -> Number:
    return number(to_decimal(value, places))


def base(quantity: Quantity) -> Number:
    """A quantity in base units (ml, each, g) for JSON: 2205.64."""
    return number(base_number(quantity))


def containers(milli: int) -> Number:
    """Milli-containers (par, reorder point) as containers: 6000 -> 6, 2500 -> 2.5."""
    return decimal_number(Fraction(milli, 1000), 3)


def containers_text(milli: int) -> str:
    return format_milli_containers(milli)


def units_sold(milli: int) -> Number:
    """Milli-units of a POS item (0.5 of a drink = 500) as a number of units."""
    return decimal_number(Fraction(milli, 1000), 3)


def pct(value: Fraction | None) -> float | None:
    """A percentage for JSON, two decimals; None ("n/a") stays None."""
    found = percent_number(value)
    return None if found is None else float(found)


def pct_text(value: Fraction | None) -> str:
    return format_percent(value, 2)


def money(value: Money | Cost) -> str:
    """Money or cost of goods for JSON: `"18.50"` (cost rounded half-even to the cent)."""
    return (value.to_money() if isinstance(value, Cost) else value).to_json()


def money_text(value: Money | Cost, venue: Venue) -> str:
    """For people, the venue's way (`Venue.locale`): `$18.50`, `18,50 €` (cost rounded
    half-even to the cent)."""
    return (value.to_money() if isinstance(value, Cost) else value).display(venue.locale)


def quantity_text(quantity: Quantity, venue: Venue) -> str:
    """`1.50 oz (44.4 ml)` in a us venue, `44.4 ml` in a metric one."""
    return format_quantity(quantity, venue.units)


def short_quantity(quantity: Quantity, venue: Venue) -> str:
    """One unit only, for wide tables: `7.61 oz` (us, imperial), `225.0 ml` (metric)."""
    full = format_quantity(quantity, venue.units)
    return full.split(" (")[0]


def span_text(start: datetime, end: datetime, venue: Venue) -> str:
    """Two venue-local instants, short: `11-21 17:00-23:30`, or `11-21 17:00-11-23 02:00`."""
    a, b = start.astimezone(venue.zone), end.astimezone(venue.zone)
    tail = b.strftime("%H:%M") if a.date() == b.date() else b.strftime("%m-%d %H:%M")
    return f"{a.strftime('%m-%d %H:%M')}-{tail}"


def on_hand_containers(on_hand: Quantity, container_size: Quantity) -> str:
    return format_containers(on_hand, container_size)


def instant(value: datetime, venue: Venue) -> str:
    """An ISO 8601 time in the venue's zone, to the second: `2026-11-21T23:15:02-05:00`."""
    return value.astimezone(venue.zone).replace(microsecond=0).isoformat()


def instant_text(value: datetime, venue: Venue) -> str:
    """For people, venue-local: `2026-11-21 23:15`."""
    return value.astimezone(venue.zone).strftime("%Y-%m-%d %H:%M")


def day(value: date) -> str:
    return value.isoformat()
