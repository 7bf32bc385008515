"""Typed reads of decoded Toast JSON: every miss or wrong type is a `BadPayload` naming its path.

Toast writes money and quantities as JSON numbers (doubles in major units: `14.4`). `decode`
reads every number with a fraction as a `Decimal` of the digits Toast wrote, never through a
binary float, so `14.4` is exactly 14.40, not the double nearest to it.
Absent and JSON `null` are the same: Toast sends `null` for empty references.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import cast

from integrations.errors import BadPayload

JsonObject = Mapping[str, object]

MAX_TEXT = 255
"""Ids, names and other strings barback keeps (column sizes); longer is refused."""


def decode(raw: bytes | str, where: str) -> JsonObject:
    """A JSON object from raw bytes; anything else (bad UTF-8, bad JSON, an array, nesting or a
    number too big for Python to parse) is refused."""
    try:
        value: object = json.loads(raw, parse_float=Decimal)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BadPayload(f"{where} is not JSON: {type(error).__name__}") from None
    return as_object(value, where)


def as_object(value: object, where: str) -> JsonObject:
    if not isinstance(value, dict):
        raise BadPayload(f"{where} must be a JSON object")
    return cast(JsonObject, value)


def obj(o: JsonObject, key: str, where: str) -> JsonObject:
    return as_object(o.get(key), f"{where}.{key}")


def opt_obj(o: JsonObject, key: str, where: str) -> JsonObject | None:
    return None if o.get(key) is None else obj(o, key, where)


def objects(o: JsonObject, key: str, where: str, *, limit: int) -> list[tuple[str, JsonObject]]:
    """The objects of an array field with their paths; absent is empty; over `limit` refused."""
    value = o.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadPayload(f"{where}.{key} must be an array")
    if len(value) > limit:
        raise BadPayload(f"{where}.{key} has {len(value)} entries (at most {limit})")
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
    if len(value) > MAX_TEXT:
        raise BadPayload(f"{where}.{key} is longer than {MAX_TEXT} characters")
    return value


def flag(o: JsonObject, key: str, where: str) -> bool:
    """A boolean; absent is false."""
    value = o.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadPayload(f"{where}.{key} must be true or false")
    return value


def number(o: JsonObject, key: str, where: str, default: Decimal | None = None) -> Decimal:
    """A JSON number as the exact decimal Toast wrote (`decode` keeps the digits)."""
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


def instant(o: JsonObject, key: str, where: str) -> datetime:
    """A Toast time: ISO 8601 with an offset, `2024-05-24T02:14:05.902+0000` or `...Z`."""
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


def guid_of(o: JsonObject, key: str, where: str) -> str | None:
    """The `guid` of a reference object (`{"guid": ..., "entityType": ...}`), or None."""
    reference = opt_obj(o, key, where)
    return None if reference is None else opt_text(reference, "guid", f"{where}.{key}")
