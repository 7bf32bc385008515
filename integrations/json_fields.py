"""Typed reads of a POS's decoded JSON, shared by every adapter: a miss, a wrong type or a value
out of bounds is a `BadPayload` naming its path.

`where` is the path of the object being read (`order.line_items[2]`), so an error reads
`order.line_items[2].quantity must be an integer`. Absent and JSON `null` are the same: POS APIs
omit empty fields or send `null` for them. Each adapter's `fields` module adds what is its POS's
own (Square's `Money`, Toast's exact numbers, Clover's milliseconds, Shopify's decimal strings)
and sets its bounds (`limit`, `longest`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import cast

from engine import bounds
from engine.errors import InvalidInput
from integrations.errors import BadPayload

JsonObject = Mapping[str, object]


def decode(raw: bytes | str, where: str, *, exact: bool = False) -> JsonObject:
    """A JSON object from raw bytes, within `engine.bounds` (depth, digits, no NaN); anything
    else (bad UTF-8, bad JSON, an array) is refused. `exact`: numbers with a fraction are read
    as the `Decimal` of the digits written, never through a binary float (Toast's money)."""
    try:
        value = bounds.loads(raw, where, exact=exact)
    except InvalidInput as error:
        raise BadPayload(str(error)) from None
    return as_object(value, where)


def as_object(value: object, where: str) -> JsonObject:
    if not isinstance(value, dict):
        raise BadPayload(f"{where} must be a JSON object")
    return cast(JsonObject, value)


def obj(o: JsonObject, key: str, where: str) -> JsonObject:
    return as_object(o.get(key), f"{where}.{key}")


def opt_obj(o: JsonObject, key: str, where: str) -> JsonObject | None:
    return None if o.get(key) is None else obj(o, key, where)


def objects(
    o: JsonObject, key: str, where: str, *, limit: int | None = None
) -> list[tuple[str, JsonObject]]:
    """The objects of an array field with their paths; absent is empty; over `limit` refused."""
    value = o.get(key)
    if value is None:
        return []
    return array_objects(value, f"{where}.{key}", limit=limit)


def array_objects(
    value: object, path: str, *, limit: int | None = None
) -> list[tuple[str, JsonObject]]:
    """An array's objects with their paths (`path[i]`)."""
    if not isinstance(value, list):
        raise BadPayload(f"{path} must be an array")
    if limit is not None and len(value) > limit:
        raise BadPayload(f"{path} has {len(value)} entries, at most {limit} are accepted")
    return [(f"{path}[{i}]", as_object(item, f"{path}[{i}]")) for i, item in enumerate(value)]


def opt_text(o: JsonObject, key: str, where: str, *, longest: int | None = None) -> str | None:
    value = o.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadPayload(f"{where}.{key} must be a string")
    if longest is not None and len(value) > longest:
        raise BadPayload(f"{where}.{key} is longer than {longest} characters")
    return value


def text(o: JsonObject, key: str, where: str, *, longest: int | None = None) -> str:
    """A string that is there and not empty."""
    value = opt_text(o, key, where, longest=longest)
    if not value:
        raise BadPayload(f"{where}.{key} is missing")
    return value


def opt_integer(
    o: JsonObject, key: str, where: str, *, low: int | None = None, high: int | None = None
) -> int | None:
    value = o.get(key)
    if value is None:
        return None
    # bool is an int in Python, never in JSON's sense.
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadPayload(f"{where}.{key} must be an integer")
    if (low is not None and value < low) or (high is not None and value > high):
        raise BadPayload(f"{where}.{key} is {value}, outside {low} to {high}")
    return value


def integer(
    o: JsonObject, key: str, where: str, *, low: int | None = None, high: int | None = None
) -> int:
    value = opt_integer(o, key, where, low=low, high=high)
    if value is None:
        raise BadPayload(f"{where}.{key} is missing")
    return value


def flag(o: JsonObject, key: str, where: str) -> bool:
    """A JSON boolean; absent is false."""
    value = o.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadPayload(f"{where}.{key} must be true or false")
    return value


def instant(o: JsonObject, key: str, where: str) -> datetime:
    """An ISO 8601 time with its offset (`2024-05-24T02:14:08.811Z`, `...+0000`, `...-04:00`)."""
    value = text(o, key, where)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise BadPayload(f"{where}.{key} is not an ISO 8601 time: {value!r}") from None
    if at.tzinfo is None:
        raise BadPayload(f"{where}.{key} has no offset: {value!r}")
    return at


def opt_instant(o: JsonObject, key: str, where: str) -> datetime | None:
    return None if o.get(key) is None else instant(o, key, where)


def number(o: JsonObject, key: str, where: str, default: Decimal | None = None) -> Decimal:
    """A JSON number as an exact decimal (read with `decode(..., exact=True)`)."""
    value = o.get(key)
    if value is None:
        if default is not None:
            return default
        raise BadPayload(f"{where}.{key} is missing")
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise BadPayload(f"{where}.{key} must be a number")
    result = Decimal(value)
    if not result.is_finite():
        raise BadPayload(f"{where}.{key} must be a finite number")
    return result
