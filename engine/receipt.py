"""The normalised receipt every POS integration produces, its refunds, and the business day.

Line quantities are milli-units (0.5 of a drink = 500), net amounts minor units of the receipt's
currency (after comps and discounts, before tax and tip: rule 4). Times are aware.

Decisions where the rules are silent:
- `state` says whether the POS considers the order closed and paid; only `PAID` depletes (rule 1).
  For other states `closed_at` is the POS's last update time and is only used for validation.
- A line's net amount may be zero (a comp) but never negative: a normaliser spreads order-level
  discounts over lines, so a negative line means a normaliser bug and the receipt is refused.
- A line or modifier quantity must be positive; a receipt's line ids must be unique.
- Line quantities from the POS are rounded half-even to the milli-unit by `line_quantity`.
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

from engine.catalog import ModifierId, PosItemId
from engine.errors import InvalidInput
from engine.exact import round_half_even
from engine.versioning import require_aware


class ReceiptState(StrEnum):
    PAID = "paid"
    OPEN = "open"
    VOIDED = "voided"
    CANCELLED = "cancelled"


def line_quantity(value: int | str | Decimal | Fraction) -> int:
    """A POS quantity (`2`, `"0.5"`, `Decimal("1.25")`) as milli-units, rounded half-even."""
    if isinstance(value, int):
        return value * 1000
    if isinstance(value, str):
        # Every webhook line passes here: plain decimals with up to three places are exact in
        # milli-units without building a Fraction.
        whole, _, places = value.strip().partition(".")
        if _digits(whole or "0") and (not places or _digits(places)) and len(places) <= 3:
            return int(whole or "0") * 1000 + int(places.ljust(3, "0"))
    return round_half_even(Fraction(value) * 1000)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


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


def validate_receipt(receipt: Receipt, currency: str) -> Receipt:
    """Refuse a receipt the rules cannot book truthfully; returns it unchanged when it is sound."""
    where = f"receipt {receipt.provider}:{receipt.receipt_id}"
    require_aware(receipt.closed_at, f"{where} closed_at")
    if receipt.currency != currency:
        raise InvalidInput(
            f"{where} is in {receipt.currency}, the venue counts in {currency}",
            hint="a venue has one currency",
        )
    if not receipt.provider or not receipt.receipt_id:
        raise InvalidInput(f"{where} needs a provider and an id")
    seen: set[str] = set()
    for line in receipt.lines:
        if line.line_id in seen:
            raise InvalidInput(f"{where} has line {line.line_id!r} twice")
        seen.add(line.line_id)
        if line.quantity <= 0:
            raise InvalidInput(f"{where} line {line.name!r} has quantity {line.quantity / 1000}")
        if line.net_amount < 0:
            raise InvalidInput(f"{where} line {line.name!r} has a negative net amount")
        for modifier in line.modifiers:
            if modifier.quantity <= 0:
                raise InvalidInput(f"{where} modifier {modifier.name!r} has no quantity")
    return receipt


def validate_refund(refund: Refund, currency: str) -> Refund:
    where = f"refund {refund.provider}:{refund.refund_id}"
    require_aware(refund.refunded_at, f"{where} refunded_at")
    if refund.currency != currency:
        raise InvalidInput(f"{where} is in {refund.currency}, the venue counts in {currency}")
    seen: set[str] = set()
    for line in refund.lines:
        if line.line_id in seen:
            raise InvalidInput(f"{where} refunds line {line.line_id!r} twice")
        seen.add(line.line_id)
        if line.quantity <= 0 or line.amount < 0:
            raise InvalidInput(f"{where} line {line.line_id!r} needs a positive quantity")
    return refund


def business_day(instant: datetime, zone: ZoneInfo, cutoff: time) -> date:
    """The business day an instant belongs to: 01:30 Saturday with a 04:00 cutoff is Friday."""
    local = require_aware(instant).astimezone(zone)
    day = local.date()
    return day - timedelta(days=1) if local.time() < cutoff else day
