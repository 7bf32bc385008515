"""Typed reads of decoded Clover JSON (`integrations.json_fields`), within `limits`: a miss, a
wrong type or a value out of bounds is a `BadPayload` naming its path
(`order X.lineItems[2].price must be an integer`).

Clover's REST conventions: collections, top level or expanded, are wrapped as
`{"elements": [...]}` (an unexpanded one is `{"href": ...}` or absent); references are objects
with an `id` (`"item": {"id": "..."}`); money is integer minor units; times are Unix
milliseconds. Absent and JSON `null` are the same.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from integrations import json_fields
from integrations.clover import limits
from integrations.errors import BadPayload
from integrations.json_fields import (
    JsonObject,
    as_object,
    decode,
    flag,
    integer,
    obj,
    opt_integer,
    opt_obj,
)

__all__ = [
    "JsonObject",
    "as_object",
    "cents",
    "currency",
    "decode",
    "elements",
    "flag",
    "from_millis",
    "ident",
    "integer",
    "millis",
    "name",
    "obj",
    "opt_ident",
    "opt_integer",
    "opt_millis",
    "opt_obj",
    "opt_text",
    "ref",
    "to_millis",
]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def elements(o: JsonObject, key: str, where: str, most: int) -> list[tuple[str, JsonObject]]:
    """The objects of an expanded collection (`{"elements": [...]}`) with their paths; an absent
    or unexpanded collection is empty. More than `most` is refused."""
    wrapper = opt_obj(o, key, where)
    if wrapper is None or wrapper.get("elements") is None:
        return []
    return json_fields.array_objects(wrapper["elements"], f"{where}.{key}", limit=most)


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


def opt_text(o: JsonObject, key: str, where: str, *, longest: int = 64) -> str | None:
    return json_fields.opt_text(o, key, where, longest=longest)


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


def cents(o: JsonObject, key: str, where: str) -> int | None:
    """A signed amount in minor units (Clover often signs discounts negative), or None."""
    return opt_integer(o, key, where, low=-limits.MAX_CENTS, high=limits.MAX_CENTS)


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
