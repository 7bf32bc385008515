"""One generic event (already JSON-decoded) -> `ReceiptClosed` (a `Receipt`) or `ReceiptRefunded`
(a `Refund`). The format is webhooks.md's "barback's generic format".

Decisions where the spec is silent:
- `quantity` is a decimal string (`"2"`, `"0.5"`); a JSON integer is accepted too, a JSON float is
  refused (it may already have lost digits). More than three decimals are refused, not rounded.
- `net_amount` is an integer of minor units, never negative, never a float or a string.
- `closed_at` is ISO 8601 with an offset (`Z` or `-05:00`); a time without one is refused, since its
  business day would be a guess.
- Every value is held to `engine.bounds` here, so the refusal names its JSON path; what needs the
  venue or the clock (the currency, a close more than a day ahead) is checked by `check_at_door`
  and again when booking.
- `item_id` is optional: without it the line keys on its casefolded name (data-model.md), so
  "Margarita" and "MARGARITA" are one POS item. Modifiers likewise (`id` optional, `quantity`
  default "1", per unit of the line).
- `receipt.version` is an optional positive integer (default 1): a sender that re-sends an edited
  receipt may number it, and an older version never undoes a newer one.
- A refund (`receipt.refunded`) carries its own `receipt.id`, `refund_of` (the original receipt id),
  `closed_at` (when it was refunded), `currency`, and `lines` naming the original line by `id` with
  the `quantity` refunded and the `net_amount` given back.
- Every error is `InvalidInput` naming the path (`receipt.lines[1].quantity`) and what was expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from engine import bounds
from engine.catalog import ModifierId, PosItemId, name_key
from engine.errors import InvalidInput
from engine.receipt import ModifierLine, Receipt, ReceiptLine, Refund, RefundLine

PROVIDER = "generic"
CLOSED = "receipt.closed"
REFUNDED = "receipt.refunded"
_DECIMAL = re.compile(r"^\d+(?:\.\d+)?$|^\.\d+$")

JsonObject = Mapping[str, object]


@dataclass(frozen=True, slots=True)
class ReceiptClosed:
    event_id: str
    receipt: Receipt


@dataclass(frozen=True, slots=True)
class ReceiptRefunded:
    event_id: str
    refund: Refund


GenericEvent = ReceiptClosed | ReceiptRefunded


def normalize(event: object) -> GenericEvent:
    """A decoded event as the engine's receipt or refund; raises `InvalidInput`."""
    body = _object(event, "event")
    event_id = _text(body, "event_id", "event")
    kind = _text(body, "type", "event")
    receipt = _object(body.get("receipt"), "receipt")
    if kind == CLOSED:
        return ReceiptClosed(event_id, _receipt(receipt))
    if kind == REFUNDED:
        return ReceiptRefunded(event_id, _refund(receipt))
    raise InvalidInput(f"event type {kind!r} is not known", hint=f"use {CLOSED} or {REFUNDED}")


def check_at_door(event: GenericEvent, currency: str, now: datetime) -> None:
    """What `normalize` cannot check alone: the venue's currency and a close no more than a day
    ahead of `now` (booking checks them again, with everything else); raises `InvalidInput`."""
    if isinstance(event, ReceiptClosed):
        bounds.currency(event.receipt.currency, currency, "receipt.currency")
        bounds.instant(event.receipt.closed_at, "receipt.closed_at", now)
    else:
        bounds.currency(event.refund.currency, currency, "receipt.currency")
        bounds.instant(event.refund.refunded_at, "receipt.closed_at", now)


def _receipt(body: JsonObject) -> Receipt:
    lines = _list(body, "lines", "receipt")
    return Receipt(
        provider=PROVIDER,
        receipt_id=_text(body, "id", "receipt"),
        version=_version(body),
        closed_at=_instant(body, "closed_at", "receipt"),
        currency=_currency(body),
        lines=_unique(tuple(_line(item, f"receipt.lines[{i}]") for i, item in enumerate(lines))),
    )


def _refund(body: JsonObject) -> Refund:
    lines = _list(body, "lines", "receipt")
    refund_lines = []
    for i, item in enumerate(lines):
        where = f"receipt.lines[{i}]"
        line = _object(item, where)
        refund_lines.append(
            RefundLine(
                line_id=_text(line, "id", where),
                quantity=_quantity(line, "quantity", where),
                amount=_amount(line, "net_amount", where),
            )
        )
    return Refund(
        provider=PROVIDER,
        refund_id=_text(body, "id", "receipt"),
        refund_of=_text(body, "refund_of", "receipt"),
        refunded_at=_instant(body, "closed_at", "receipt"),
        currency=_currency(body),
        lines=tuple(refund_lines),
    )


def _line(item: object, where: str) -> ReceiptLine:
    line = _object(item, where)
    name = _text(line, "name", where, limit=bounds.MAX_NAME)
    modifiers = line.get("modifiers", [])
    if not isinstance(modifiers, list):
        raise InvalidInput(f"{where}.modifiers must be a list")
    bounds.count(len(modifiers), f"{where}.modifiers", bounds.MAX_MODIFIERS)
    return ReceiptLine(
        line_id=_text(line, "id", where),
        pos_item_id=PosItemId(_item_key(line, "item_id", name, where)),
        name=name,
        quantity=_quantity(line, "quantity", where),
        net_amount=_amount(line, "net_amount", where),
        modifiers=tuple(_modifier(m, f"{where}.modifiers[{k}]") for k, m in enumerate(modifiers)),
    )


def _modifier(item: object, where: str) -> ModifierLine:
    modifier = _object(item, where)
    name = _text(modifier, "name", where, limit=bounds.MAX_NAME)
    quantity = 1000
    if "quantity" in modifier:
        quantity = _quantity(modifier, "quantity", where, limit=bounds.MAX_MODIFIER_QUANTITY)
    return ModifierLine(
        modifier_id=ModifierId(_item_key(modifier, "id", name, where)),
        name=name,
        quantity=quantity,
    )


def _item_key(body: JsonObject, key: str, name: str, where: str) -> str:
    """The id sent, or the casefolded name (which may be longer than the name: "ß" is "ss")."""
    given = _optional_text(body, key, where)
    if given is not None:
        return given
    return bounds.text(name_key(name), f"{where}.name, casefolded,")


def _unique(lines: tuple[ReceiptLine, ...]) -> tuple[ReceiptLine, ...]:
    seen: set[str] = set()
    for line in lines:
        if line.line_id in seen:
            raise InvalidInput(f"receipt.lines has the line id {line.line_id!r} twice")
        seen.add(line.line_id)
    return lines


# --- fields -------------------------------------------------------------------------------------


def _object(value: object, where: str) -> JsonObject:
    if not isinstance(value, dict):
        raise InvalidInput(f"{where} must be a JSON object, not {_type(value)}")
    return cast(JsonObject, value)


def _list(body: JsonObject, key: str, where: str) -> Sequence[object]:
    value = body.get(key)
    if not isinstance(value, list) or not value:
        raise InvalidInput(f"{where}.{key} must be a non-empty list, not {_type(value)}")
    bounds.count(len(value), f"{where}.{key}", bounds.MAX_LINES)
    return cast(list[object], value)


def _text(body: JsonObject, key: str, where: str, *, limit: int = bounds.MAX_ID) -> str:
    value = _optional_text(body, key, where, limit=limit)
    if value is None:
        raise InvalidInput(f"{where}.{key} is missing")
    return value


def _optional_text(
    body: JsonObject, key: str, where: str, *, limit: int = bounds.MAX_ID
) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{where}.{key} must be a string, not {_type(value)}")
    if not value.strip():
        raise InvalidInput(f"{where}.{key} is empty")
    return bounds.text(value.strip(), f"{where}.{key}", limit=limit)


def _quantity(
    body: JsonObject, key: str, where: str, *, limit: int = bounds.MAX_LINE_QUANTITY
) -> int:
    value = body.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    elif isinstance(value, str):
        text = value.strip()
    else:
        raise InvalidInput(f'{where}.{key} must be a decimal string like "1.5", not {_type(value)}')
    if not _DECIMAL.match(text):
        raise InvalidInput(f'{where}.{key} {text[:40]!r} is not a positive decimal like "1.5"')
    return bounds.quantity(text, f"{where}.{key}", limit=limit)


def _amount(body: JsonObject, key: str, where: str) -> int:
    value = body.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(
            f"{where}.{key} must be an integer of minor units (cents), not {_type(value)}"
        )
    return bounds.amount(value, f"{where}.{key}")


def _instant(body: JsonObject, key: str, where: str) -> datetime:
    text = _text(body, key, where)
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{where}.{key} {text!r} is not an ISO 8601 time", hint="e.g. 2026-11-21T23:15:02-05:00"
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise InvalidInput(
            f"{where}.{key} {text!r} has no UTC offset", hint="e.g. 2026-11-21T23:15:02-05:00"
        )
    return bounds.instant(instant, f"{where}.{key}")


def _currency(body: JsonObject) -> str:
    code = _text(body, "currency", "receipt")
    if len(code) != 3 or not code.isascii() or not code.isalpha():
        raise InvalidInput(f"receipt.currency {code!r} is not an ISO 4217 code", hint="e.g. USD")
    return code.upper()


def _version(body: JsonObject) -> int:
    value = body.get("version", 1)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"receipt.version must be a positive integer, not {_type(value)}")
    return bounds.version(value, "receipt.version")


def _type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    names |= {int: "a number", float: "a number", type(None): "missing"}
    return names.get(type(value), type(value).__name__)


def parse(raw: bytes | str) -> GenericEvent:
    """A request body (one JSON object) as an event; raises `InvalidInput`."""
    return normalize(bounds.loads(raw))
