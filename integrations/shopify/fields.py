"""Typed reads of decoded Shopify JSON: every miss or wrong type is a `BadPayload` naming its path.

`where` is the path of the object being read (`order.line_items[2]`), so an error reads
`order.line_items[2].quantity must be a whole number from 0 to 10000`. Absent and JSON `null` are
the same. Ids are JSON integers (Shopify's REST ids) and come back as strings, the form barback
keys receipts and lines by.

Money is a decimal string in major units (`"12.50"`) of the shop's currency; `minor_units`
converts it exactly: `"12.50"` USD is 1250, `"1200.00"` JPY is 1200, and `"12.505"` USD (a value
that is not a whole number of cents) is refused rather than rounded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import cast

from engine.venue import CURRENCY_EXPONENTS
from integrations.errors import BadPayload
from integrations.shopify.limits import MAX_AMOUNT_DIGITS, MAX_ID, MAX_QUANTITY, MAX_TEXT

JsonObject = Mapping[str, object]

_AMOUNT = re.compile(rf"^(\d{{1,{MAX_AMOUNT_DIGITS}}})(?:\.(\d{{1,9}}))?$")


def decode(raw: bytes | str, where: str) -> JsonObject:
    """A JSON object from raw bytes; anything else (bad UTF-8, bad JSON, an array) is refused."""
    try:
        value: object = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
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


def objects(o: JsonObject, key: str, where: str, limit: int) -> list[tuple[str, JsonObject]]:
    """The objects of an array field with their paths; an absent array is empty; more than
    `limit` items are refused."""
    value = o.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadPayload(f"{where}.{key} must be an array")
    if len(value) > limit:
        raise BadPayload(f"{where}.{key} has {len(value)} items; at most {limit} are accepted")
    return [
        (f"{where}.{key}[{i}]", as_object(item, f"{where}.{key}[{i}]"))
        for i, item in enumerate(value)
    ]


def opt_text(o: JsonObject, key: str, where: str) -> str | None:
    value = o.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadPayload(f"{where}.{key} must be a string")
    if len(value) > MAX_TEXT:
        raise BadPayload(f"{where}.{key} is longer than {MAX_TEXT} characters")
    return value


def text(o: JsonObject, key: str, where: str) -> str:
    value = opt_text(o, key, where)
    if not value:
        raise BadPayload(f"{where}.{key} is missing")
    return value


def ident(o: JsonObject, key: str, where: str) -> str:
    """A Shopify id (a positive JSON integer) as a string."""
    value = opt_ident(o, key, where)
    if value is None:
        raise BadPayload(f"{where}.{key} is missing")
    return value


def opt_ident(o: JsonObject, key: str, where: str) -> str | None:
    value = o.get(key)
    if value is None:
        return None
    # bool is an int in Python, never in JSON's sense.
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID:
        raise BadPayload(f"{where}.{key} must be a positive integer id")
    return str(value)


def quantity(o: JsonObject, key: str, where: str) -> int:
    """A whole number of units (Shopify has no fractional quantities), 0 to `MAX_QUANTITY`."""
    value = o.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_QUANTITY:
        raise BadPayload(f"{where}.{key} must be a whole number from 0 to {MAX_QUANTITY}")
    return value


def boolean(o: JsonObject, key: str, where: str) -> bool:
    """A JSON boolean; absent is False."""
    value = o.get(key, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BadPayload(f"{where}.{key} must be true or false")
    return value


def instant(o: JsonObject, key: str, where: str) -> datetime:
    """An ISO 8601 time with its offset (`2024-05-23T22:14:05-04:00`)."""
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


def currency(o: JsonObject, key: str, where: str) -> str:
    """An ISO 4217 code barback knows the minor unit of."""
    code = text(o, key, where)
    if code not in CURRENCY_EXPONENTS:
        raise BadPayload(f"{where}.{key} must be an ISO 4217 currency code, not {code!r}")
    return code


def minor_units(value: object, currency_code: str, where: str) -> int:
    """A decimal string in major units as an exact, non-negative count of minor units.

    A JSON number (a few older REST fields, such as a refund line's plain `subtotal`, are
    numbers) is read by its shortest decimal form, `10.8`, and held to the same rules."""
    if isinstance(value, float | int) and not isinstance(value, bool):
        value = repr(value)
    if not isinstance(value, str):
        raise BadPayload(f'{where} must be a decimal string such as "12.50"')
    match = _AMOUNT.match(value)
    if match is None:
        raise BadPayload(
            f"{where} must be a non-negative decimal string with at most "
            f"{MAX_AMOUNT_DIGITS} digits before the point, not {value!r}"
        )
    exponent: int = CURRENCY_EXPONENTS[currency_code]
    whole: str = match.group(1)
    places: str = match.group(2) or ""
    kept, dropped = places[:exponent], places[exponent:]
    if dropped.strip("0"):
        raise BadPayload(
            f"{where} {value!r} has more decimals than {currency_code} has ({exponent})"
        )
    scale: int = 10**exponent
    return int(whole) * scale + int(kept.ljust(exponent, "0") or "0")


def shop_money(o: JsonObject, key: str, where: str, currency_code: str) -> int:
    """`<key>_set.shop_money.amount` in minor units when the MoneyBag is there (checking its
    currency is the shop's), else the plain `<key>` decimal string; absent altogether is 0."""
    bag = opt_obj(o, f"{key}_set", where)
    if bag is not None:
        path = f"{where}.{key}_set.shop_money"
        money = obj(bag, "shop_money", f"{where}.{key}_set")
        code = text(money, "currency_code", path)
        if code != currency_code:
            raise BadPayload(f"{path} is in {code}, the shop counts in {currency_code}")
        return minor_units(money.get("amount"), currency_code, f"{path}.amount")
    plain = o.get(key)
    if plain is None:
        return 0
    return minor_units(plain, currency_code, f"{where}.{key}")
