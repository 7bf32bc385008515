"""The normalised receipt every POS integration produces, its refunds, and the business day.

Line quantities are milli-units (0.5 of a drink = 500), net amounts minor units of the receipt's
currency (after comps and discounts, before tax and tip: rule 4). Times are aware.

Decisions where the rules are silent:
- `state` says whether the POS considers the order closed and paid; only `PAID` depletes (rule 1).
  For other states `closed_at` is the POS's last update time and is only used for validation.
- A line's net amount may be zero (a comp) but never negative: a normaliser spreads order-level
  discounts over lines, so a negative line means a normaliser bug and the receipt is refused.
- A line or modifier quantity must be positive; a receipt's line ids must be unique.
- Line quantities from the POS are exact milli-units (`line_quantity`): a fourth decimal is
  refused, never rounded. Every value is checked against `engine.bounds` by `validate_receipt`
  and `validate_refund`, which booking calls with the time of booking.
- The business day of an instant is its local date in the venue's zone, minus one day when the
  local time is before the cutoff; computed on the local wall clock, so DST changes move nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from zoneinfo import ZoneInfo

from engine import bounds
from engine.catalog import ModifierId, PosItemId
from engine.errors import InvalidInput
from engine.versioning import require_aware


class ReceiptState(StrEnum):
    PAID = "paid"
    OPEN = "open"
    VOIDED = "voided"
    CANCELLED = "cancelled"


def line_quantity(value: int | str | Decimal | Fraction, where: str = "quantity") -> int:
    """A POS quantity (`2`, `"0.5"`, `Decimal("1.25")`) as milli-units, exactly: more decimals
    than three are refused, never rounded (`engine.bounds`)."""
    return bounds.exact_milli(value, where)


def source_key(provider: str, receipt_id: str, line_id: str) -> str:
    """The idempotency key of one line: `provider:receipt id:line id` (rule 11)."""
    return f"{provider}:{receipt_id}:{line_id}"


@dataclass(frozen=True, slots=True)
class ModifierLine:
    """A POS modifier on a line; `quantity` milli-units per unit of the line (1 = 1000)."""

    modifier_id: ModifierId
    name: str
    quantity: int = 1000


@dataclass(frozen=True, slots=True)
class ReceiptLine:
    line_id: str
    pos_item_id: PosItemId
    name: str
    quantity: int
    """Milli-units sold: 2 drinks = 2000."""
    net_amount: int
    """Minor units actually charged for the whole line (rule 4)."""
    modifiers: tuple[ModifierLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Receipt:
    provider: str
    receipt_id: str
    version: int
    closed_at: datetime
    currency: str
    lines: tuple[ReceiptLine, ...]
    state: ReceiptState = ReceiptState.PAID

    def key(self, line: ReceiptLine) -> str:
        return source_key(self.provider, self.receipt_id, line.line_id)


@dataclass(frozen=True, slots=True)
class RefundLine:
    """`quantity` milli-units of the original line refunded, for `amount` minor units."""

    line_id: str
    quantity: int
    amount: int


@dataclass(frozen=True, slots=True)
class Refund:
    provider: str
    refund_id: str
    refund_of: str
    """The receipt id it refunds."""
    refunded_at: datetime
    currency: str
    lines: tuple[RefundLine, ...]

    def key(self, line: RefundLine) -> str:
        return f"{self.provider}:refund:{self.refund_id}:{line.line_id}"

    def sale_key(self, line: RefundLine) -> str:
        return source_key(self.provider, self.refund_of, line.line_id)


def validate_receipt(receipt: Receipt, currency: str, now: datetime | None = None) -> Receipt:
    """Refuse a receipt the rules cannot book truthfully or whose values are out of bounds
    (`engine.bounds`; the close is checked against `now` when given); returns it unchanged.

    Every webhook's receipt passes here twice (at the door and when booked): the lines are
    checked with plain comparisons first, and only a line that fails them is checked again
    field by field, for a message naming what is wrong."""
    where = f"receipt {receipt.receipt_id[: bounds.MAX_ID]!r}"
    if not receipt.provider or not receipt.receipt_id:
        raise InvalidInput(f"{where} needs a provider and an id")
    require_aware(receipt.closed_at, f"{where} closed_at")
    bounds.instant(receipt.closed_at, f"{where} closed_at", now)
    bounds.currency(receipt.currency, currency, f"{where} currency")
    bounds.version(receipt.version, f"{where} version")
    bounds.count(len(receipt.lines), f"{where} lines", bounds.MAX_LINES)
    texts = [receipt.receipt_id]
    seen: set[str] = set()
    for line in receipt.lines:
        if not _sound(line) or line.line_id in seen:
            _validate_line(line, f"{where} line {line.line_id[: bounds.MAX_ID]!r}", seen)
        seen.add(line.line_id)
        texts += (line.line_id, line.pos_item_id, line.name)
        if line.modifiers:
            texts += (text for m in line.modifiers for text in (m.modifier_id, m.name))
    if len(receipt.receipt_id) > bounds.MAX_ID or not bounds.plain("".join(texts)):
        bounds.text(receipt.receipt_id, "receipt id")
        for line in receipt.lines:
            _validate_line(line, f"{where} line {line.line_id[: bounds.MAX_ID]!r}", set())
    return receipt


def _sound(line: ReceiptLine) -> bool:
    """Within bounds, but for control characters (checked over the whole receipt at once)."""
    return (
        0 < len(line.line_id) <= bounds.MAX_ID
        and 0 < len(line.pos_item_id) <= bounds.MAX_ID
        and 0 < len(line.name) <= bounds.MAX_NAME
        and 0 < line.quantity <= bounds.MAX_LINE_QUANTITY
        and 0 <= line.net_amount <= bounds.MAX_AMOUNT
        and (
            not line.modifiers
            or (
                len(line.modifiers) <= bounds.MAX_MODIFIERS
                and all(
                    0 < len(m.modifier_id) <= bounds.MAX_ID
                    and 0 < len(m.name) <= bounds.MAX_NAME
                    and 0 < m.quantity <= bounds.MAX_MODIFIER_QUANTITY
                    for m in line.modifiers
                )
            )
        )
    )


def _validate_line(line: ReceiptLine, where: str, seen: set[str]) -> None:
    """Field by field, raising on the first out of bounds (with what it is)."""
    bounds.text(line.line_id, f"{where} id")
    if line.line_id in seen:
        raise InvalidInput(f"{where.rsplit(' line ', 1)[0]} has line {line.line_id!r} twice")
    bounds.text(line.pos_item_id, f"{where} item id")
    bounds.text(line.name, f"{where} name", limit=bounds.MAX_NAME)
    if line.quantity <= 0:
        raise InvalidInput(f"{where} has quantity {line.quantity / 1000}")
    if line.quantity > bounds.MAX_LINE_QUANTITY:
        raise InvalidInput(f"{where} quantity is over the limit of 10,000")
    if line.net_amount < 0:
        raise InvalidInput(f"{where} has a negative net amount")
    bounds.amount(line.net_amount, f"{where} net amount")
    bounds.count(len(line.modifiers), f"{where} modifiers", bounds.MAX_MODIFIERS)
    for modifier in line.modifiers:
        bounds.text(modifier.modifier_id, f"{where} modifier id")
        bounds.text(modifier.name, f"{where} modifier name", limit=bounds.MAX_NAME)
        if modifier.quantity <= 0:
            raise InvalidInput(f"{where} modifier {modifier.name!r} has no quantity")
        if modifier.quantity > bounds.MAX_MODIFIER_QUANTITY:
            raise InvalidInput(f"{where} modifier {modifier.name!r} quantity is over 1,000")


def validate_refund(refund: Refund, currency: str, now: datetime | None = None) -> Refund:
    where = f"refund {refund.refund_id[: bounds.MAX_ID]!r}"
    if not refund.provider or not refund.refund_id or not refund.refund_of:
        raise InvalidInput(f"{where} needs a provider, an id and the receipt it refunds")
    bounds.text(refund.refund_id, "refund id")
    bounds.text(refund.refund_of, f"{where} refund_of")
    require_aware(refund.refunded_at, f"{where} refunded_at")
    bounds.instant(refund.refunded_at, f"{where} refunded_at", now)
    bounds.currency(refund.currency, currency, f"{where} currency")
    bounds.count(len(refund.lines), f"{where} lines", bounds.MAX_LINES)
    seen: set[str] = set()
    for line in refund.lines:
        bounds.text(line.line_id, f"{where} line id")
        if line.line_id in seen:
            raise InvalidInput(f"{where} refunds line {line.line_id!r} twice")
        seen.add(line.line_id)
        if line.quantity <= 0 or line.amount < 0:
            raise InvalidInput(f"{where} line {line.line_id!r} needs a positive quantity")
        if line.quantity > bounds.MAX_LINE_QUANTITY:
            raise InvalidInput(f"{where} line {line.line_id!r} quantity is over 10,000")
        bounds.amount(line.amount, f"{where} line {line.line_id!r} amount")
    return refund


def business_day(instant: datetime, zone: ZoneInfo, cutoff: time) -> date:
    """The business day an instant belongs to: 01:30 Saturday with a 04:00 cutoff is Friday."""
    local = require_aware(instant).astimezone(zone)
    day = local.date()
    return day - timedelta(days=1) if local.time() < cutoff else day
