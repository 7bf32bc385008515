"""Typed reads of decoded Clover JSON, within `limits`: a miss, a wrong type or a value out of
bounds is a `BadPayload` naming its path (`order X.lineItems[2].price must be an integer`).

Clover's REST conventions: collections, top level or expanded, are wrapped as
`{"elements": [...]}` (an unexpanded one is `{"href": ...}` or absent); references are objects
with an `id` (`"item": {"id": "..."}`); money is integer minor units; times are Unix
milliseconds. Absent and JSON `null` are the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import cast

from integrations.clover import limits
from integrations.errors import BadPayload

JsonObject = Mapping[str, object]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def decode(raw: bytes | str, where: str) -> JsonObject:
    """A JSON object from raw bytes; anything else (bad UTF-8, bad JSON, an array) is refused."""
    try:
        value: object = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BadPayload(f"{where} is not JSON: {error}") from None
    return as_object(value, where)


def as_object(value: object, where: str) -> JsonObject:
    if not isinstance(value, dict):
        raise BadPayload(f"{where} must be a JSON object")
    return cast(JsonObject, value)


def obj(o: JsonObject, key: str, where: str) -> JsonObject:
    return as_object(o.get(key), f"{where}.{key}")


def opt_obj(o: JsonObject, key: str, where: str) -> JsonObject | None:
    return None if o.get(key) is None else obj(o, key, where)


def elements(o: JsonObject, key: str, where: str, most: int) -> list[tuple[str, JsonObject]]:
    """The objects of an expanded collection (`{"elements": [...]}`) with their paths; an absent
    or unexpanded collection is empty. More than `most` is refused."""
    wrapper = opt_obj(o, key, where)
    if wrapper is None or wrapper.get("elements") is None:
        return []
    value = wrapper["elements"]
    path = f"{where}.{key}"
    if not isinstance(value, list):
        raise BadPayload(f"{path}.elements must be an array")
    if len(value) > most:
        raise BadPayload(f"{path} has {len(value)} elements, more than the {most} accepted")
    return [(f"{path}[{i}]", as_object(item, f"{path}[{i}]")) for i, item in enumerate(value)]


def ident(o: JsonObject, key: str, where: str) -> str:
    value = opt_ident(o, key, where)
    if value is None:
        raise BadPayload(f"{where}.{key} is missing")
    return value


def opt_ident(o: JsonObject, key: str, where: str) -> str | None:
    value = o.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not limits.ID_PATTERN.match(value):
        raise BadPayload(f"{where}.{key} must be a Clover id (1 to 64 letters, digits, . _ -)")
    return value


def ref(o: JsonObject, key: str, where: str) -> str | None:
    """The id of a reference object (`"item": {"id": "..."}`), or None when there is none."""
    target = opt_obj(o, key, where)
    return None if target is None else opt_ident(target, "id", f"{where}.{key}")


def name(o: JsonObject, key: str, where: str) -> str:
    """A display name, stripped; empty when absent."""
    value = o.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadPayload(f"{where}.{key} must be a string")
    if len(value) > limits.MAX_NAME:
        raise BadPayload(f"{where}.{key} is longer than {limits.MAX_NAME} characters")
    return value.strip()


def opt_text(o: JsonObject, key: str, where: str, *, longest: int = 64) -> str | None:
    value = o.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadPayload(f"{where}.{key} must be a string")
    if len(value) > longest:
        raise BadPayload(f"{where}.{key} is longer than {longest} characters")
    return value


def integer(o: JsonObject, key: str, where: str, *, low: int, high: int) -> int:
    value = opt_integer(o, key, where, low=low, high=high)
    if value is None:
        raise BadPayload(f"{where}.{key} is missing")
    return value


def opt_integer(o: JsonObject, key: str, where: str, *, low: int, high: int) -> int | None:
    value = o.get(key)
    if value is None:
        return None
    # bool is an int in Python, never in JSON's sense.
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadPayload(f"{where}.{key} must be an integer")
    if not low <= value <= high:
        raise BadPayload(f"{where}.{key} is {value}, outside {low} to {high}")
    return value


def cents(o: JsonObject, key: str, where: str) -> int | None:
    """A signed amount in minor units (Clover often signs discounts negative), or None."""
    return opt_integer(o, key, where, low=-limits.MAX_CENTS, high=limits.MAX_CENTS)


def flag(o: JsonObject, key: str, where: str) -> bool:
    value = o.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadPayload(f"{where}.{key} must be true or false")
    return value


def millis(o: JsonObject, key: str, where: str) -> datetime:
    value = opt_millis(o, key, where)
    if value is None:
        raise BadPayload(f"{where}.{key} is missing")
    return value


def opt_millis(o: JsonObject, key: str, where: str) -> datetime | None:
    """A Clover time (Unix milliseconds) as an aware UTC instant."""
    value = opt_integer(o, key, where, low=limits.MIN_MILLIS, high=limits.MAX_MILLIS)
    return None if value is None else from_millis(value)


def from_millis(value: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=value)


def to_millis(at: datetime) -> int:
    """An aware instant as Unix milliseconds (floored: sub-millisecond parts are dropped)."""
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return (at - _EPOCH) // timedelta(milliseconds=1)


def currency(o: JsonObject, key: str, where: str) -> str:
    value = o.get(key)
    if not isinstance(value, str) or len(value) != 3 or not value.isascii() or not value.isupper():
        raise BadPayload(f"{where}.{key} must be an ISO 4217 code, not {value!r}")
    return value
