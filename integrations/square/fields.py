"""Typed reads of decoded Square JSON (`integrations.json_fields`), and Square's own shapes:
quantities as decimal strings (`"1.5"`) and `Money` objects in minor units.
"""

from __future__ import annotations

import re
from decimal import Decimal

from engine.money import Money
from integrations.errors import BadPayload
from integrations.json_fields import (
    JsonObject,
    as_object,
    decode,
    instant,
    integer,
    obj,
    objects,
    opt_instant,
    opt_obj,
    opt_text,
    text,
)

__all__ = [
    "JsonObject",
    "as_object",
    "decimal",
    "decode",
    "instant",
    "integer",
    "money",
    "obj",
    "objects",
    "opt_instant",
    "opt_obj",
    "opt_text",
    "text",
]

_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def decimal(o: JsonObject, key: str, where: str, default: str | None = None) -> Decimal:
    """A Square quantity: a non-negative decimal string (`"2"`, `"1.5"`)."""
    value = o.get(key, default)
    if not isinstance(value, str) or not _DECIMAL.match(value):
        raise BadPayload(f"{where}.{key} must be a decimal string, not {value!r}")
    return Decimal(value)


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
