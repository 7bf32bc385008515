"""A Shopify `Order` (REST resource, as webhooks and the orders API send it; pos-formats.md §4.5)
-> the engine's `Receipt` and `Refund`s.

Only a paid order books anything: `financial_status` `paid`, `partially_refunded` or `refunded`
(a refunded order was paid first; its refunds book as refunds). Any other status (`pending`,
`authorized`, `partially_paid`, `voided`) is a `Skip`.

Line items make one `Receipt` keyed by the order id, closed at `processed_at` (when the sale was
rung up; `created_at` when absent), version = `updated_at` in unix seconds (Shopify orders carry no
version number, and `updated_at` only moves forward):
- line id = the line item's `id` (refunds point at it as `line_item_id`);
- POS item = `variant_id` (what Shopify counts inventory by), or the casefolded title for custom
  sales without a product; display name `"Old Fashioned (Regular)"` (title and variant title,
  Shopify's placeholder variant `Default Title` left out);
- quantity = the integer `quantity` as sold (later refunds book as refunds, not as a smaller sale);
- net amount = `price` x `quantity` - the line's `discount_allocations` (Shopify has already spread
  order-level discounts over the lines there; a comp is a 100% discount: 0), in the shop's
  currency (`*_set.shop_money`, converted exactly: `fields.minor_units`). Taxes are excluded: when
  the shop's prices include tax (`taxes_included`, as with VAT) the line's `tax_lines` are
  subtracted too. Tips, shipping and duties are not line sales;
- modifiers from line-item `properties` (`modifiers.py`).

Refunds come from the order's `refunds[]` (and `extra_refunds`, a `refunds/create` body not yet on
the order): `refunds.py`.

Decisions where the spec is silent (each left-out part is named in `Normalized.left_out`):
- Gift card lines are left out (selling one pours nothing), and so are lines with quantity 0.
- Discounts above a line's price are a `BadPayload`: the engine refuses negative lines.
- `location_id` is returned for the reader: orders rung up at a location not bound to the venue,
  and online orders (no location), are not the bar's sales.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from engine.catalog import PosItemId, name_key
from engine.receipt import Receipt, ReceiptLine, Refund
from integrations.errors import BadPayload
from integrations.provider import Booked, Skip
from integrations.shopify import fields as f
from integrations.shopify.limits import MAX_LINE_ITEMS, MAX_PROPERTIES, MAX_REFUNDS
from integrations.shopify.modifiers import modifier_names, modifiers_of
from integrations.shopify.refunds import PROVIDER, normalize_refund

__all__ = ["PAID", "PROVIDER", "Normalized", "normalize_order"]

PAID = frozenset({"paid", "partially_refunded", "refunded"})
DEFAULT_VARIANT = "Default Title"
_AD_HOC_NAME = "Custom sale"
_MAX_ALLOCATIONS = 100
_MAX_TAX_LINES = 100
_DEFAULT_MODIFIERS = modifier_names()


@dataclass(frozen=True, slots=True)
class Normalized:
    order_id: str
    location_id: str | None
    """Where the order was rung up: a POS location id, None for an online order."""
    source_name: str | None
    booked: tuple[Booked, ...]
    """Never empty: an order that books nothing is a `Skip`."""
    left_out: tuple[str, ...] = ()
    """What was deliberately not booked, one phrase each (for logs)."""


def normalize_order(
    order: f.JsonObject,
    *,
    modifier_properties: frozenset[str] = _DEFAULT_MODIFIERS,
    extra_refunds: Sequence[f.JsonObject] = (),
) -> Normalized | Skip:
    """One order as a webhook or the orders API gives it; raises `BadPayload`."""
    order_id = f.ident(order, "id", "order")
    where = f"order {order_id}"
    status = f.opt_text(order, "financial_status", where) or "unknown"
    if status not in PAID:
        return Skip(f"order {order_id} is {status}, not paid")
    currency = f.currency(order, "currency", where)
    taxes_included = f.flag(order, "taxes_included", where)
    left_out: list[str] = []
    booked: list[Booked] = []
    lines = _lines(order, where, currency, taxes_included, modifier_properties, left_out)
    if lines:
        updated_at = f.opt_instant(order, "updated_at", where)
        booked.append(
            Receipt(
                provider=PROVIDER,
                receipt_id=order_id,
                version=1 if updated_at is None else max(1, int(updated_at.timestamp())),
                closed_at=f.opt_instant(order, "processed_at", where)
                or f.instant(order, "created_at", where),
                currency=currency,
                lines=lines,
            )
        )
    booked.extend(_refunds(order, order_id, where, currency, taxes_included, extra_refunds))
    if not booked:
        reasons = "; ".join(left_out) or "no line items and no refunds"
        return Skip(f"order {order_id} books nothing: {reasons}")
    return Normalized(
        order_id=order_id,
        location_id=f.opt_ident(order, "location_id", where),
        source_name=f.opt_text(order, "source_name", where),
        booked=tuple(booked),
        left_out=tuple(left_out),
    )


def _lines(
    order: f.JsonObject,
    where: str,
    currency: str,
    taxes_included: bool,
    modifier_properties: frozenset[str],
    left_out: list[str],
) -> tuple[ReceiptLine, ...]:
    lines: list[ReceiptLine] = []
    seen: set[str] = set()
    for path, item in f.objects(order, "line_items", where, MAX_LINE_ITEMS):
        line_id = f.ident(item, "id", path)
        if line_id in seen:
            raise BadPayload(f"{where} has the line item {line_id} twice")
        seen.add(line_id)
        name = _display_name(item, path)
        if f.flag(item, "gift_card", path):
            left_out.append(f"gift card line {line_id}")
            continue
        quantity = f.quantity(item, "quantity", path)
        if quantity == 0:
            left_out.append(f"line {line_id} ({name}) with quantity 0")
            continue
        properties = f.objects(item, "properties", path, MAX_PROPERTIES)
        lines.append(
            ReceiptLine(
                line_id=line_id,
                pos_item_id=PosItemId(_key(item, path)),
                name=name,
                quantity=quantity * 1000,
                net_amount=_net(item, path, currency, quantity, taxes_included),
                modifiers=modifiers_of(properties, modifier_properties, path),
            )
        )
    return tuple(lines)


def _net(item: f.JsonObject, where: str, currency: str, quantity: int, taxes_included: bool) -> int:
    """What was charged for the whole line, in minor units, without tax."""
    gross = f.shop_money(item, "price", where, currency) * quantity
    discounts = sum(
        f.shop_money(allocation, "amount", path, currency)
        for path, allocation in f.objects(item, "discount_allocations", where, _MAX_ALLOCATIONS)
    )
    tax = 0
    if taxes_included:
        tax = sum(
            f.shop_money(tax_line, "price", path, currency)
            for path, tax_line in f.objects(item, "tax_lines", where, _MAX_TAX_LINES)
        )
    net = gross - discounts - tax
    if net < 0:
        taken = discounts + tax
        raise BadPayload(
            f"{where} has discounts and included tax ({taken}) above its price ({gross})"
        )
    return net


def _refunds(
    order: f.JsonObject,
    order_id: str,
    where: str,
    currency: str,
    taxes_included: bool,
    extra: Sequence[f.JsonObject],
) -> list[Refund]:
    found: dict[str, Refund | None] = {}
    listed = [body for _, body in f.objects(order, "refunds", where, MAX_REFUNDS)]
    for body in [*listed, *extra]:
        refund_id = f.ident(body, "id", f"{where} refund")
        if refund_id in found:  # a refunds/create body the order already lists
            continue
        found[refund_id] = normalize_refund(
            body, currency, taxes_included=taxes_included, order_id=order_id
        )
    return [refund for refund in found.values() if refund is not None]


def _display_name(item: f.JsonObject, where: str) -> str:
    title = (f.opt_text(item, "title", where) or "").strip()
    if not title:
        return (f.opt_text(item, "name", where) or "").strip() or _AD_HOC_NAME
    variant = (f.opt_text(item, "variant_title", where) or "").strip()
    return f"{title} ({variant})" if variant and variant != DEFAULT_VARIANT else title


def _key(item: f.JsonObject, where: str) -> str:
    variant_id = f.opt_ident(item, "variant_id", where)
    if variant_id is not None:
        return variant_id
    return name_key(_display_name(item, where))
