"""Typed reads of decoded Shopify JSON (`integrations.json_fields`), and Shopify's own shapes:
`order.line_items[2].quantity must be a whole number from 0 to 10000`. Ids are JSON integers
(Shopify's REST ids) and come back as strings, the form barback keys receipts and lines by.

Money is a decimal string in major units (`"12.50"`) of the shop's currency; `minor_units`
converts it exactly: `"12.50"` USD is 1250, `"1200.00"` JPY is 1200, and `"12.505"` USD (a value
that is not a whole number of cents) is refused rather than rounded.
"""

from __future__ import annotations

import re

from engine.venue import CURRENCY_EXPONENTS
from integrations import json_fields
from integrations.errors import BadPayload
from integrations.json_fields import (
    JsonObject,
    as_object,
    decode,
    flag,
    instant,
    obj,
    opt_instant,
    opt_obj,
)
from integrations.shopify.limits import MAX_AMOUNT_DIGITS, MAX_ID, MAX_QUANTITY, MAX_TEXT

__all__ = [
    "JsonObject",
    "as_object",
    "currency",
    "decode",
    "flag",
    "ident",
    "instant",
    "minor_units",
    "obj",
    "objects",
    "opt_ident",
    "opt_instant",
    "opt_obj",
    "opt_text",
    "quantity",
    "shop_money",
    "text",
]

_AMOUNT = re.compile(rf"^(\d{{1,{MAX_AMOUNT_DIGITS}}})(?:\.(\d{{1,9}}))?$")


def objects(o: JsonObject, key: str, where: str, limit: int) -> list[tuple[str, JsonObject]]:
    return json_fields.objects(o, key, where, limit=limit)


def opt_text(o: JsonObject, key: str, where: str) -> str | None:
    return json_fields.opt_text(o, key, where, longest=MAX_TEXT)


def text(o: JsonObject, key: str, where: str) -> str:
    return json_fields.text(o, key, where, longest=MAX_TEXT)


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
