"""The limits of every value barback takes from a POS, a file or a webhook body (rule 12).

One module, so the generic route, `barback import`, every POS adapter and the booking itself use
the same numbers. A value outside them is refused where it enters (`InvalidInput` naming the
field: a 400 at the generic route, exit 2 from `import`, a failed event for a fetched POS order),
never rounded or clipped, and never reaches the books. `docs/limits.md` lists them and works out
why nothing within them can overflow a 64-bit column or a daily rollup.

Decisions where the rules are silent:
- Quantities keep three decimals (milli-units). A quantity with more is refused, not rounded:
  "0.3333" of a 40 ml pour is 13.332 ml, which no milli-unit quantity can book truthfully.
- A time must lie between 2000-01-01 and one day ahead of now: a POS clock a few hours fast is
  tolerated, a receipt from next year is not (it would deplete today's stock).
- Ids and names are at most 200 characters (the columns hold 255; a line's key joins two ids) and
  carry no control characters or unpaired surrogates, which PostgreSQL and UTF-8 cannot store.
- JSON nests at most 32 deep and its integers have at most 19 digits, checked while decoding, so
  a hostile body is a 400 rather than a recursion or a 5,000-digit integer.
- A POS without version numbers orders its versions by update time: `version_at` turns an
  instant into a version (milliseconds since the epoch), under `MAX_VERSION`.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from engine.errors import InvalidInput

# --- what a POS or a file may send ---------------------------------------------------------------

MAX_ID = 200
"""Characters in a receipt, line, item, modifier, refund or event id."""
MAX_NAME = 200
"""Characters in an item or modifier name."""
MAX_LINES = 500
"""Lines in one receipt or one refund."""
MAX_MODIFIERS = 50
"""Modifiers on one line."""
QUANTITY_PLACES = 3
"""Decimals a quantity may have: barback keeps milli-units."""
MAX_LINE_QUANTITY = 10_000 * 1000
"""Milli-units on one line (10,000 drinks)."""
MAX_MODIFIER_QUANTITY = 1_000 * 1000
"""Milli-units of one modifier per unit of its line."""
MAX_AMOUNT = 10**12
"""Minor units charged for, or refunded on, one line (10,000,000,000.00 in a 2-decimal currency:
room for currencies of high denomination, far below anything that could overflow)."""
MAX_VERSION = 2**53 - 1
"""A receipt version: exact in JSON, and enough for milliseconds since the epoch."""
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
"""No receipt or refund closed before this."""
AHEAD = timedelta(days=1)
"""How far ahead of now a close may be (a POS clock running fast)."""
MAX_JSON_DEPTH = 32
MAX_JSON_DIGITS = 19
"""Digits of a JSON integer: 10**19 - 1 is still a 64-bit integer's order of magnitude."""

# --- what booking computes from them (refused when passed: a mapping or cost out of reason) -------

MAX_LINE_COGS = 10**17
"""Micro-minor units of cost of goods on one line."""
MAX_MOVEMENT = 10**13
"""Base sub-units (µl, milli-each, mg) of one product on one line: 10,000 m³."""

# --- the daily rollups: CHECK constraints in the database, and checked before each write ----------

MAX_CELL_QUANTITY = 10**15
"""`daily_item_sales.quantity` (milli-units) and `daily_product_usage.quantity` (base sub-units)
of one venue, business day and item or product."""
MAX_CELL_AMOUNT = 10**15
"""`daily_item_sales.net_amount`, minor units."""
MAX_CELL_COGS = 10**18
"""`daily_item_sales.cogs` and `daily_product_usage.cogs`, micro-minor units."""

_BAD_TEXT = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_DECIMAL = re.compile(r"^(\d*)(?:\.(\d*))?$")


def text(value: str, where: str, *, limit: int = MAX_ID) -> str:
    """`value` if it is 1 to `limit` characters without control characters; else refused."""
    if not value:
        raise InvalidInput(f"{where} is empty")
    if len(value) > limit:
        raise InvalidInput(f"{where} has {len(value)} characters; the limit is {limit}")
    if _BAD_TEXT.search(value):
        raise InvalidInput(f"{where} holds a control character or an unpaired surrogate")
    return value


def plain(text: str) -> bool:
    """No control character or unpaired surrogate anywhere in `text` (one scan for many
    values joined: the booking path checks a receipt's ids and names at once)."""
    return _BAD_TEXT.search(text) is None


def quantity(value: object, where: str, *, limit: int = MAX_LINE_QUANTITY) -> int:
    """A decimal quantity (`"1.5"`, `2`, `Decimal("0.25")`) as milli-units: more than zero, at
    most `limit`, with at most three decimals (more are refused, never rounded)."""
    milli = exact_milli(value, where)
    if milli <= 0:
        raise InvalidInput(f"{where} must be more than zero")
    if milli > limit:
        raise InvalidInput(f"{where} is over the limit of {limit // 1000:,}")
    return milli


def exact_milli(value: object, where: str) -> int:
    """A decimal quantity as milli-units, exactly: more than three decimals, a value over
    `MAX_LINE_QUANTITY` or anything not a number is refused. Zero is returned as 0."""
    if isinstance(value, bool):
        raise InvalidInput(f"{where} must be a decimal number, not true/false")
    if isinstance(value, int):
        if abs(value) > MAX_LINE_QUANTITY:  # before multiplying a 5,000-digit integer
            raise InvalidInput(f"{where} is over the limit of {MAX_LINE_QUANTITY // 1000:,}")
        return value * 1000
    if isinstance(value, str):
        match = _DECIMAL.match(value.strip())
        if match is None or not (match.group(1) or match.group(2)):
            raise InvalidInput(f'{where} {value[:40]!r} is not a decimal like "1.5"')
        whole, places = match.group(1) or "0", (match.group(2) or "").rstrip("0")
        if len(whole.lstrip("0")) > len(str(MAX_LINE_QUANTITY)):
            raise InvalidInput(f"{where} is over the limit of {MAX_LINE_QUANTITY // 1000:,}")
        _places(len(places), where)
        return int(whole) * 1000 + int(places.ljust(3, "0"))
    if isinstance(value, Decimal | Fraction):
        try:
            exact = Fraction(value)
        except (ValueError, OverflowError, InvalidOperation):
            raise InvalidInput(f"{where} is not a finite number") from None
        if abs(exact) > MAX_LINE_QUANTITY:
            raise InvalidInput(f"{where} is over the limit of {MAX_LINE_QUANTITY // 1000:,}")
        milli = exact * 1000
        if milli.denominator != 1:
            _places(QUANTITY_PLACES + 1, where)
        return int(milli)
    raise InvalidInput(f"{where} must be a decimal number")


def _places(places: int, where: str) -> None:
    if places > QUANTITY_PLACES:
        raise InvalidInput(
            f"{where} has more decimals than barback keeps ({QUANTITY_PLACES})",
            hint="send at most 3 decimals; it is refused rather than rounded",
        )


def amount(value: int, where: str) -> int:
    """Minor units: 0 to `MAX_AMOUNT`."""
    if value < 0:
        raise InvalidInput(f"{where} must not be negative")
    if value > MAX_AMOUNT:
        raise InvalidInput(f"{where} is over the limit of {MAX_AMOUNT:,} minor units")
    return value


def version(value: int, where: str) -> int:
    if not 1 <= value <= MAX_VERSION:
        raise InvalidInput(f"{where} must be a whole number from 1 to {MAX_VERSION}")
    return value


def version_at(instant: datetime) -> int:
    """The version of a receipt that a POS orders by update time only: epoch milliseconds."""
    return version(int(instant.timestamp() * 1000), "the update time")


def instant(value: datetime, where: str, now: datetime | None = None) -> datetime:
    """An aware time from 2000-01-01 to one day ahead of `now` (no upper check without `now`)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput(f"{where} has no UTC offset")
    if value < EARLIEST:
        raise InvalidInput(f"{where} {value.isoformat()} is before 2000-01-01")
    if now is not None and value > now + AHEAD:
        raise InvalidInput(
            f"{where} {value.isoformat()} is more than a day ahead of now",
            hint="a receipt from the future would deplete today's stock",
        )
    return value


def count(items: int, where: str, limit: int) -> None:
    if items > limit:
        raise InvalidInput(f"{where} has {items} entries; the limit is {limit}")


def currency(code: str, venue_currency: str, where: str) -> str:
    if code != venue_currency:
        raise InvalidInput(
            f"{where} is {code}, the venue counts in {venue_currency}",
            hint="a venue has one currency",
        )
    return code


# --- JSON -----------------------------------------------------------------------------------------


class NotJson(InvalidInput):
    """The bytes do not decode as JSON at all (as opposed to JSON out of bounds)."""

    def __init__(self, where: str, reason: str, column: int | None = None) -> None:
        super().__init__(f"{where} is not JSON: {reason}")
        self.reason = reason
        self.column = column


def loads(raw: bytes | str, where: str = "the body", *, exact: bool = False) -> object:
    """Decode JSON within the bounds: not too deep, no huge integers, no NaN or Infinity.
    `exact`: a number with a fraction is the `Decimal` of its digits, not a binary float."""
    floats = Decimal if exact else float
    try:
        value: object = json.loads(
            raw, parse_int=_integer, parse_float=floats, parse_constant=_constant
        )
    except _Refused as refused:
        raise InvalidInput(f"{where} {refused}") from None
    except RecursionError:
        raise InvalidInput(f"{where} nests deeper than {MAX_JSON_DEPTH} levels") from None
    except json.JSONDecodeError as error:
        raise NotJson(where, str(error), error.colno) from None
    except UnicodeDecodeError as error:
        raise NotJson(where, str(error)) from None
    marks = raw.count(b"[") + raw.count(b"{") if isinstance(raw, bytes) else raw.count("[")
    if isinstance(raw, str):
        marks += raw.count("{")
    # Nesting takes a bracket per level: a body with few brackets is not walked at all.
    if marks > MAX_JSON_DEPTH and _depth(value) > MAX_JSON_DEPTH:
        raise InvalidInput(f"{where} nests deeper than {MAX_JSON_DEPTH} levels")
    return value


class _Refused(Exception):
    """Raised by the decoder's hooks; `loads` names where."""


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_JSON_DIGITS:
        raise _Refused(f"holds a number of more than {MAX_JSON_DIGITS} digits")
    return int(digits)


def _constant(name: str) -> object:
    raise _Refused(f"holds {name}, which is not a JSON number")


def _depth(value: object) -> int:
    """How deep containers nest in a decoded value (stops counting past the limit)."""
    if not isinstance(value, dict | list):
        return 0
    deepest = 0
    stack: list[tuple[dict[str, object] | list[object], int]] = [(value, 1)]
    while stack and deepest <= MAX_JSON_DEPTH:
        node, level = stack.pop()
        deepest = max(deepest, level)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, level + 1) for c in children if isinstance(c, dict | list))
    return deepest
