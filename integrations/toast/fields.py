"""Typed reads of decoded Toast JSON (`integrations.json_fields`), within Toast's bounds.

Toast writes money and quantities as JSON numbers (doubles in major units: `14.4`). `decode`
reads every number with a fraction as a `Decimal` of the digits Toast wrote, never through a
binary float, so `14.4` is exactly 14.40, not the double nearest to it. Toast sends `null` for
empty references.
"""

from __future__ import annotations

from integrations import json_fields
from integrations.json_fields import (
    JsonObject,
    as_object,
    flag,
    instant,
    number,
    obj,
    opt_instant,
    opt_obj,
)

__all__ = [
    "JsonObject",
    "as_object",
    "decode",
    "flag",
    "guid_of",
    "instant",
    "number",
    "obj",
    "objects",
    "opt_instant",
    "opt_obj",
    "opt_text",
    "text",
]

MAX_TEXT = 255
"""Ids, names and other strings barback keeps (column sizes); longer is refused."""


def decode(raw: bytes | str, where: str) -> JsonObject:
    return json_fields.decode(raw, where, exact=True)


def objects(o: JsonObject, key: str, where: str, *, limit: int) -> list[tuple[str, JsonObject]]:
    return json_fields.objects(o, key, where, limit=limit)


def text(o: JsonObject, key: str, where: str) -> str:
    return json_fields.text(o, key, where, longest=MAX_TEXT)


def opt_text(o: JsonObject, key: str, where: str) -> str | None:
    return json_fields.opt_text(o, key, where, longest=MAX_TEXT)


def guid_of(o: JsonObject, key: str, where: str) -> str | None:
    """The `guid` of a reference object (`{"guid": ..., "entityType": ...}`), or None."""
    reference = opt_obj(o, key, where)
    return None if reference is None else opt_text(reference, "guid", f"{where}.{key}")
