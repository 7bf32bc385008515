"""A Clover `Order` (pos-formats.md §3.5, §3.7) -> the engine's `Receipt` and `Refund`s.

The order is the one `GET /v3/merchants/{mId}/orders/{id}` returns with `client.ORDER_EXPAND`
(line items with their modifications, discounts and tax rates; order discounts; payments;
refunds; credits). Only the order's current state decides; the same state always gives the same
documents, so webhooks, re-fetches and reconciliation converge on one booking.

Sold: `paymentState` PAID, PARTIALLY_REFUNDED or REFUNDED -> one `Receipt` keyed by the order id,
version `modifiedTime`, closed when its last payment was taken (stable, unlike `modifiedTime`,
which moves with every later refund). Lines: one per line item, then identical line items
rung together joined into one line of their number (`grouping`), as Clover's receipt shows them:
- Clover has no quantity: one line item per unit sold, so each is 1 unit; a per-unit-priced
  item (`unitQty`, fixed point x1000, `16000` = 16 oz) is `unitQty / 1000` units;
- POS item = the inventory `item.id`, or the casefolded name for a custom amount;
- net amount = price (x unitQty / 1000) + modifications - line discounts - its share of the order
  discounts (`pricing`), without tax (on a VAT order, whose prices hold the tax, the line's
  included tax is taken out) and without tip. A comp is a 100% discount: 0;
- each modification is a modifier of the line item, once per line item (a 1-unit item: 1; a
  per-unit item: its share per unit, so the engine's per-unit rule applies it once to the item).

Refunds (`refunds`) and a payment voided after it was taken are refunds of the sale
(`integrations.clover.refunds`).

Decisions where the spec is silent (each left-out part is named in `Normalized.left_out`):
- A test-mode order (`testMode`) books nothing: Clover's training mode sells nothing real.
- Order-fee lines (`isOrderFee`) and lines with a negative price or `unitQty` 0 are left out.
- Credits (`credits`, Clover's manual refunds) are not tied to the order's lines: left out.
- An order paid, voided and paid again books once, as sold; if barback saw it voided in between,
  that void's refund stands (a payment void is same-day and rare; see docs/decisions.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.catalog import ModifierId, PosItemId, name_key
from engine.receipt import ModifierLine, Receipt, ReceiptLine
from integrations.clover import fields as f
from integrations.clover import limits, pricing
from integrations.clover.grouping import Member, group
from integrations.clover.refunds import Payment, order_refunds, payments_of
from integrations.errors import BadPayload
from integrations.provider import Booked, Skip

PROVIDER = "clover"
SOLD = frozenset({"PAID", "PARTIALLY_REFUNDED", "REFUNDED"})
VOIDED = "VOIDED"
AD_HOC_NAME = "Custom amount"
EXEMPT_TAX_TYPES = frozenset({"VAT_NON_TAXABLE", "VAT_EXEMPT"})


@dataclass(frozen=True, slots=True)
class Normalized:
    order_id: str
    booked: tuple[Booked, ...]
    """Never empty: an order that books nothing is a `Skip`."""
    left_out: tuple[str, ...] = ()
    """What was deliberately not booked, one phrase each (for logs)."""


def normalize_order(order: f.JsonObject) -> Normalized | Skip:
    """One expanded order; raises `BadPayload` when it is not Clover's shape or out of bounds."""
    order_id = f.ident(order, "id", "order")
    where = f"order {order_id}"
    if f.flag(order, "testMode", where):
        return Skip(f"order {order_id} is a test-mode order")
    state = f.opt_text(order, "paymentState", where)
    payments = payments_of(order, where)
    sold = state in SOLD
    voided = [p for p in payments if p.result == VOIDED]
    if not sold and not voided:
        return Skip(f"order {order_id} is {state or 'not paid'}, not PAID")
    currency = f.currency(order, "currency", where)
    left_out: list[str] = []
    members = _members(order, where, left_out)
    grouped = group(members)
    closed_at = _closed_at(order, payments, sold, where)
    booked: list[Booked] = []
    if grouped.lines:
        modified = f.opt_integer(
            order, "modifiedTime", where, low=limits.MIN_MILLIS, high=limits.MAX_MILLIS
        )
        booked.append(
            Receipt(
                provider=PROVIDER,
                receipt_id=order_id,
                version=modified or 1,
                closed_at=closed_at,
                currency=currency,
                lines=grouped.lines,
            )
        )
    booked.extend(
        order_refunds(
            order,
            order_id,
            members,
            grouped.group_of,
            () if sold else voided,
            closed_at,
            currency,
            left_out,
        )
    )
    if not booked:
        reasons = "; ".join(left_out) or "no line items"
        return Skip(f"order {order_id} books nothing: {reasons}")
    return Normalized(order_id, tuple(booked), tuple(left_out))


def _closed_at(
    order: f.JsonObject, payments: Sequence[Payment], sold: bool, where: str
) -> datetime:
    """When the last payment that paid it was taken (the voided ones, if it is no longer sold)."""
    paying = [p.created_at for p in payments if (p.result != VOIDED) == sold and p.created_at]
    if paying:
        return max(paying)
    return f.opt_millis(order, "modifiedTime", where) or f.millis(order, "createdTime", where)


def _members(order: f.JsonObject, where: str, left_out: list[str]) -> list[Member]:
    is_vat = f.flag(order, "isVat", where) and not f.flag(order, "taxRemoved", where)
    drafts: list[tuple[f.JsonObject, str, str, int, int]] = []
    seen: set[str] = set()
    for path, item in f.elements(order, "lineItems", where, limits.MAX_LINE_ITEMS):
        line_id = f.ident(item, "id", path)
        if line_id in seen:
            raise BadPayload(f"{where} has the line item {line_id!r} twice")
        seen.add(line_id)
        name = f.name(item, "name", path) or AD_HOC_NAME
        price = f.cents(item, "price", path)
        unit_qty = f.opt_integer(item, "unitQty", path, low=0, high=limits.MAX_UNIT_QTY)
        if f.flag(item, "isOrderFee", path):
            left_out.append(f"order fee line {line_id} ({name})")
        elif price is None or price < 0:
            left_out.append(f"line {line_id} ({name}) without a price of 0 or more")
        elif unit_qty == 0:
            left_out.append(f"line {line_id} ({name}) with quantity 0")
        else:
            subtotal = pricing.unit_price_total(price, unit_qty) + _modifications_total(item, path)
            drafts.append((item, path, name, subtotal, _after_line_discounts(item, path, subtotal)))
    shares = _order_discount_shares(order, where, [net for *_, net in drafts])
    members = []
    for (item, path, name, _, net), share in zip(drafts, shares, strict=True):
        charged = net - share
        if is_vat:
            charged = pricing.without_included_tax(charged, _tax_rate(item, path))
        members.append(_member(item, path, name, charged))
    return members


def _member(item: f.JsonObject, path: str, name: str, charged: int) -> Member:
    unit_qty = f.opt_integer(item, "unitQty", path, low=1, high=limits.MAX_UNIT_QTY)
    quantity = 1000 if unit_qty is None else unit_qty
    # One modification applies to the whole line item; the engine applies modifiers per unit.
    per_unit = 1000 if unit_qty is None else max(pricing.half_up(1_000_000, unit_qty), 1)
    modifiers = []
    priced_mods = []
    for mod_path, mod in f.elements(item, "modifications", path, limits.MAX_MODIFICATIONS):
        label = f.name(mod, "name", mod_path)
        ident = f.ref(mod, "modifier", mod_path) or name_key(label) or f.ident(mod, "id", mod_path)
        modifiers.append(ModifierLine(ModifierId(ident), label or ident, per_unit))
        priced_mods.append((ident, f.cents(mod, "amount", mod_path) or 0))
    pos_item = f.ref(item, "item", path) or name_key(name)
    line = ReceiptLine(
        line_id=f.ident(item, "id", path),
        pos_item_id=PosItemId(pos_item),
        name=name,
        quantity=quantity,
        net_amount=charged,
        modifiers=tuple(modifiers),
    )
    # What makes two line items one sale: same item, price, unit quantity, modifications and
    # discounts (their shares of the order's discounts may differ by a cent).
    content: list[object] = [pos_item, f.cents(item, "price", path), unit_qty]
    content += [sorted(priced_mods), sorted(_discount_keys(item, path))]
    created = f.opt_integer(
        item, "createdTime", path, low=limits.MIN_MILLIS, high=limits.MAX_MILLIS
    )
    return Member(line, json.dumps(content), created, f.ref(item, "refund", path))


def _modifications_total(item: f.JsonObject, path: str) -> int:
    total = 0
    for mod_path, mod in f.elements(item, "modifications", path, limits.MAX_MODIFICATIONS):
        amount = f.cents(mod, "amount", mod_path) or 0
        if amount < 0:
            raise BadPayload(f"{mod_path}.amount is negative")
        total += amount
    return total


def _after_line_discounts(item: f.JsonObject, path: str, subtotal: int) -> int:
    percentages, amounts = _discounts(item, path)
    return pricing.discounted(subtotal, percentages, amounts)


def _discount_keys(item: f.JsonObject, path: str) -> list[tuple[str, int, int]]:
    """(discount, percentage, amount) of each line discount; -1 for the one it does not have."""
    keys = []
    for discount_path, discount in f.elements(item, "discounts", path, limits.MAX_DISCOUNTS):
        ident = f.ref(discount, "discount", discount_path) or f.name(
            discount, "name", discount_path
        )
        pct = f.opt_integer(discount, "percentage", discount_path, low=0, high=limits.MAX_PERCENT)
        amount = f.cents(discount, "amount", discount_path)
        keys.append((ident, -1 if pct is None else pct, -1 if amount is None else abs(amount)))
    return keys


def _order_discount_shares(order: f.JsonObject, where: str, nets: Sequence[int]) -> list[int]:
    percentages, amounts = _discounts(order, where)
    whole = sum(nets)
    off = whole - pricing.discounted(whole, percentages, amounts)
    return pricing.spread(off, nets)


def _discounts(o: f.JsonObject, where: str) -> tuple[list[int], list[int]]:
    """Percentages and fixed amounts (positive cents: Clover often signs them negative)."""
    percentages: list[int] = []
    amounts: list[int] = []
    for path, discount in f.elements(o, "discounts", where, limits.MAX_DISCOUNTS):
        amount = f.cents(discount, "amount", path)
        if amount is not None:
            amounts.append(abs(amount))
            continue
        pct = f.opt_integer(discount, "percentage", path, low=0, high=limits.MAX_PERCENT)
        if pct is None:
            raise BadPayload(f"{path} has neither an amount nor a percentage")
        percentages.append(pct)
    return percentages, amounts


def _tax_rate(item: f.JsonObject, path: str) -> int:
    """The line's total inclusive tax rate (Clover units), exempt rates left out."""
    rate = 0
    for rate_path, tax in f.elements(item, "taxRates", path, limits.MAX_TAX_RATES):
        if f.opt_text(tax, "taxType", rate_path) in EXEMPT_TAX_TYPES:
            continue
        rate += f.opt_integer(tax, "rate", rate_path, low=0, high=limits.MAX_TAX_RATE) or 0
    return rate
