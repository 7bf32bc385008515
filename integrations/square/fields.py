"""Typed reads of decoded Square JSON: every miss or wrong type is a `BadPayload` naming its path.

`where` is the path of the object being read (`order.line_items[2]`), so an error reads
`order.line_items[2].quantity must be a decimal string`. Absent and JSON `null` are the same:
Square omits empty fields.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import cast

from engine import bounds
from engine.errors import InvalidInput
from engine.money import Money
from integrations.errors import BadPayload

JsonObject = Mapping[str, object]

_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def decode(raw: bytes | str, where: str) -> JsonObject:
    """A JSON object from raw bytes; anything else (bad UTF-8, bad JSON, an array) is refused."""
    try:
        value = bounds.loads(raw, where)
    except InvalidInput as error:  # not JSON, or JSON beyond engine.bounds (depth, digits)
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


def objects(o: JsonObject, key: str, where: str) -> list[tuple[str, JsonObject]]:
    """The objects of an array field with their paths; an absent array is empty."""
    value = o.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadPayload(f"{where}.{key} must be an array")
    return [
        (f"{where}.{key}[{i}]", as_object(item, f"{where}.{key}[{i}]"))
        for i, item in enumerate(value)
    ]


def text(o: JsonObject, key: str, where: str) -> str:
    value = opt_text(o, key, where)
    if not value:
        raise BadPayload(f"{where}.{key} is missing")
    return value


def opt_text(o: JsonObject, key: str, where: str) -> str | None:
    value = o.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadPayload(f"{where}.{key} must be a string")
    return value


def integer(o: JsonObject, key: str, where: str) -> int:
    value = o.get(key)
    # bool is an int in Python, never in JSON's sense.
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadPayload(f"{where}.{key} must be an integer")
    return value


def decimal(o: JsonObject, key: str, where: str, default: str | None = None) -> Decimal:
    """A Square quantity: a non-negative decimal string (`"2"`, `"1.5"`)."""
    value = o.get(key, default)
    if not isinstance(value, str) or not _DECIMAL.match(value):
        raise BadPayload(f"{where}.{key} must be a decimal string, not {value!r}")
    return Decimal(value)


def instant(o: JsonObject, key: str, where: str) -> datetime:
    """An RFC 3339 time with its offset (`2024-05-24T02:14:08.811Z`)."""
    value = text(o, key, where)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise BadPayload(f"{where}.{key} is not an RFC 3339 time: {value!r}") from None
    if at.tzinfo is None:
        raise BadPayload(f"{where}.{key} has no offset: {value!r}")
    return at


def opt_instant(o: JsonObject, key: str, where: str) -> datetime | None:
    return None if o.get(key) is None else instant(o, key, where)


def money(o: JsonObject, key: str, where: str) -> Money | None:
    """A Square `Money` (`{"amount": 800, "currency": "USD"}`, minor units), or None if absent."""
    value = opt_obj(o, key, where)
    if value is None:
        return None
    path = f"{where}.{key}"
    currency = text(value, "currency", path)
    if not _CURRENCY.match(currency):
        raise BadPayload(f"{path}.currency must be an ISO 4217 code, not {currency!r}")
    return Money(integer(value, "amount", path), currency)
