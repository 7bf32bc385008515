"""Toast's numbers as barback keeps them: money in minor units, quantities in milli-units, within
documented bounds (rule 12). Each bound is refused with a `BadPayload` naming the field.

Money. Toast sends doubles in major units with no currency: the restaurant's (barback's venue)
currency gives the exponent. `fields.decode` keeps the digits Toast wrote, so `14.4` is 1,440
cents exactly. Toast computes prices in doubles, so an amount may carry the noise of that
arithmetic (`14.400000000000002`): one within `NOISE` of a whole minor unit is that unit; any
other amount with more decimals than the currency has (`14.405`) is refused, never rounded.

Quantities: a positive number with at most three decimals (barback keeps milli-units; more would
be rounded away silently), at most `MAX_QUANTITY`. Sizes: at most `MAX_CHECKS` checks,
`MAX_SELECTIONS` selections per check, `MAX_MODIFIERS` modifiers per selection, nested
`MAX_DEPTH` deep; ids and names as in `fields.MAX_TEXT`.
"""

from __future__ import annotations

from decimal import Decimal

from engine.venue import CURRENCY_EXPONENTS
from integrations.errors import BadPayload
from integrations.toast import fields as f

MAX_AMOUNT = Decimal(1_000_000)
"""Major units, per line or refund: a million dollars is no bar tab."""
MAX_QUANTITY = Decimal(10_000)
MAX_CHECKS = 100
MAX_SELECTIONS = 500
MAX_MODIFIERS = 50
MAX_DEPTH = 4
NOISE = Decimal("0.0001")
"""Of a minor unit: what a double sum can be off by, far below any real price."""
_MILLI = Decimal("0.001")


def exponent_of(currency: str) -> int:
    exponent = CURRENCY_EXPONENTS.get(currency)
    if exponent is None:
        raise BadPayload(f"{currency!r} is not a currency barback knows")
    return exponent


def minor(o: f.JsonObject, key: str, where: str, exponent: int) -> int:
    """A Toast amount (major units, a JSON number) in minor units; absent is 0."""
    value = f.number(o, key, where, default=Decimal(0))
    if abs(value) > MAX_AMOUNT:
        raise BadPayload(f"{where}.{key} is {value}, beyond {MAX_AMOUNT}")
    scaled = value.scaleb(exponent)
    whole = scaled.to_integral_value()
    if abs(scaled - whole) > NOISE:
        raise BadPayload(f"{where}.{key} {value} has more decimals than the currency has")
    return int(whole)


def milli(o: f.JsonObject, key: str, where: str) -> int:
    """A Toast quantity (a JSON number, `1.0`, `0.5`) in milli-units; absent is 1."""
    value = f.number(o, key, where, default=Decimal(1))
    if value < 0 or value > MAX_QUANTITY:
        raise BadPayload(f"{where}.{key} is {value}, not between 0 and {MAX_QUANTITY}")
    if value != value.quantize(_MILLI):
        raise BadPayload(f"{where}.{key} {value} has more than three decimals")
    return int(value.scaleb(3))
