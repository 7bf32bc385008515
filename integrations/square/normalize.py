"""A Square `Order` (pos-formats.md §1.6, §1.9) -> the engine's `Receipt` and `Refund`s.

Only an order whose own `state` is `COMPLETED` books anything; any other state is a `Skip`.

Sale lines (`line_items[]`) make one `Receipt` keyed by the order id, version `order.version`,
closed at `closed_at`:
- line id = `uid` (returns point at it as `source_line_item_uid`);
- POS item = `catalog_object_id` (the item *variation*), or the casefolded name for ad-hoc lines,
  like the generic format; display name `"Draft IPA (Pint)"` (item and variation names; Square's
  default variation name `Regular` left out, as the catalog sync does: `catalog.display_name`);
- quantity = the decimal string `quantity`, as milli-units;
- net amount = `gross_sales_money - total_discount_money`: with modifier prices, after line and
  order-level discounts (Square puts a line's share of an ORDER-scope discount in its
  `total_discount_money`), without tax, tip or service charges. A comp is a 100% discount: 0;
- modifiers keyed by `catalog_object_id` (ad-hoc ones by casefolded name), `quantity` per unit of
  the line (Square's own rule: `total_price_money` = base x modifier quantity x line quantity).

Return lines (`returns[].return_line_items[]`) make one `Refund` per sale order they return from,
`refund_of` = `source_order_id`, lines by `source_line_item_uid`, amount = `gross_return_money -
total_discount_money`. A return order may also carry sale lines (an exchange): both are produced.

Decisions where the spec is silent (each left-out part is named in `Normalized.left_out`):
- Lines and modifiers with quantity 0 are left out (Square removes 0-quantity lines when paying; a
  modifier with quantity 0 is "no X"). `GIFT_CARD` lines are left out: selling a gift card pours
  nothing and is not a sale of goods.
- Unlinked returns (no `source_order_id`) and return lines without `source_line_item_uid` are left
  out: there is no recorded sale line to reverse. Return lines of one source line are summed.
- `refund_id` is the return order id; when one return order returns lines of several sales it is
  `<return order id>:<sale order id>`, so each refund's line keys stay distinct.
- `closed_at` missing on a COMPLETED order falls back to `updated_at`; `version` missing is 1.
- A negative line amount or mixed currencies is a `BadPayload`: the engine refuses such receipts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from engine.catalog import ModifierId, PosItemId, name_key
from engine.money import Money
from engine.receipt import ModifierLine, Receipt, ReceiptLine, Refund, RefundLine, line_quantity
from integrations.errors import BadPayload
from integrations.provider import Booked, Skip
from integrations.square import fields as f
from integrations.square.catalog import display_name

PROVIDER = "square"
COMPLETED = "COMPLETED"
_AD_HOC_NAME = "Custom amount"


@dataclass(frozen=True, slots=True)
class Normalized:
    order_id: str
    location_id: str | None
    """The order's Square location: with the merchant, what maps it to a venue."""
    booked: tuple[Booked, ...]
    """Never empty: an order that books nothing is a `Skip`."""
    left_out: tuple[str, ...] = ()
    """What was deliberately not booked, one phrase each (for logs)."""


def normalize_order(order: f.JsonObject) -> Normalized | Skip:
    """One order as returned by BatchRetrieveOrders or SearchOrders; raises `BadPayload`."""
    order_id = f.text(order, "id", "order")
    where = f"order {order_id}"
    state = f.text(order, "state", where)
    if state != COMPLETED:
        return Skip(f"order {order_id} is {state}, not {COMPLETED}")
    closed_at = f.opt_instant(order, "closed_at", where) or f.instant(order, "updated_at", where)
    left_out: list[str] = []
    booked: list[Booked] = []
    lines = _sale_lines(order, where, left_out)
    if lines:
        booked.append(
            Receipt(
                provider=PROVIDER,
                receipt_id=order_id,
                version=1 if order.get("version") is None else f.integer(order, "version", where),
                closed_at=closed_at,
                currency=_one_currency([money for _, money in lines], where),
                lines=tuple(line for line, _ in lines),
            )
        )
    booked.extend(_refunds(order, order_id, closed_at, where, left_out))
    if not booked:
        reasons = "; ".join(left_out) or "no line items and no returns"
        return Skip(f"order {order_id} books nothing: {reasons}")
    return Normalized(
        order_id=order_id,
        location_id=f.opt_text(order, "location_id", where),
        booked=tuple(booked),
        left_out=tuple(left_out),
    )


def _sale_lines(
    order: f.JsonObject, where: str, left_out: list[str]
) -> list[tuple[ReceiptLine, Money]]:
    lines: list[tuple[ReceiptLine, Money]] = []
    seen: set[str] = set()
    for path, item in f.objects(order, "line_items", where):
        uid = f.text(item, "uid", path)
        if uid in seen:
            raise BadPayload(f"{where} has the line uid {uid!r} twice")
        seen.add(uid)
        name = _display_name(item, path)
        if f.opt_text(item, "item_type", path) == "GIFT_CARD":
            left_out.append(f"gift card line {uid}")
            continue
        quantity = line_quantity(f.decimal(item, "quantity", path), f"{path}.quantity")
        if quantity == 0:
            left_out.append(f"line {uid} ({name}) with quantity 0")
            continue
        amount = _net(item, "gross_sales_money", path)
        lines.append(
            (
                ReceiptLine(
                    line_id=uid,
                    pos_item_id=PosItemId(_key(item, path)),
                    name=name,
                    quantity=quantity,
                    net_amount=amount.minor,
                    modifiers=_modifiers(item, path, left_out),
                ),
                amount,
            )
        )
    return lines


def _modifiers(item: f.JsonObject, where: str, left_out: list[str]) -> tuple[ModifierLine, ...]:
    modifiers: list[ModifierLine] = []
    for path, modifier in f.objects(item, "modifiers", where):
        name = f.opt_text(modifier, "name", path) or ""
        ident = f.opt_text(modifier, "catalog_object_id", path) or name_key(name)
        if not ident:
            ident = f.text(modifier, "uid", path)
        quantity = line_quantity(
            f.decimal(modifier, "quantity", path, default="1"), f"{path}.quantity"
        )
        if quantity == 0:
            left_out.append(f"modifier {name or ident} with quantity 0")
            continue
        modifiers.append(ModifierLine(ModifierId(ident), name or ident, quantity))
    return tuple(modifiers)


def _refunds(
    order: f.JsonObject, order_id: str, at: datetime, where: str, left_out: list[str]
) -> list[Refund]:
    by_sale: dict[str, dict[str, tuple[int, Money]]] = {}
    for path, returned in f.objects(order, "returns", where):
        source = f.opt_text(returned, "source_order_id", path)
        if not source:
            left_out.append(f"unlinked return {f.opt_text(returned, 'uid', path) or path}")
            continue
        lines = by_sale.setdefault(source, {})
        for line_path, item in f.objects(returned, "return_line_items", path):
            uid = f.opt_text(item, "source_line_item_uid", line_path)
            if not uid:
                left_out.append(f"return line {f.opt_text(item, 'uid', line_path) or line_path}")
                continue
            quantity = line_quantity(
                f.decimal(item, "quantity", line_path), f"{line_path}.quantity"
            )
            if quantity == 0:
                left_out.append(f"return of line {uid} with quantity 0")
                continue
            amount = _net(item, "gross_return_money", line_path)
            if uid in lines:
                before_quantity, before_amount = lines[uid]
                quantity, amount = before_quantity + quantity, _add(before_amount, amount, where)
            lines[uid] = (quantity, amount)
    refunds: list[Refund] = []
    for source, lines in by_sale.items():
        if not lines:
            continue
        refunds.append(
            Refund(
                provider=PROVIDER,
                refund_id=order_id if len(by_sale) == 1 else f"{order_id}:{source}",
                refund_of=source,
                refunded_at=at,
                currency=_one_currency([amount for _, amount in lines.values()], where),
                lines=tuple(
                    RefundLine(uid, quantity, amount.minor)
                    for uid, (quantity, amount) in lines.items()
                ),
            )
        )
    return refunds


def _net(item: f.JsonObject, gross_field: str, where: str) -> Money:
    """What was charged for the whole line: gross (with modifiers, without tax) less discounts."""
    gross = f.money(item, gross_field, where)
    if gross is None:
        raise BadPayload(f"{where}.{gross_field} is missing")
    discount = f.money(item, "total_discount_money", where) or Money(0, gross.currency)
    if discount.currency != gross.currency:
        raise BadPayload(f"{where} mixes {gross.currency} and {discount.currency}")
    net = Money(gross.minor - discount.minor, gross.currency)
    if net.minor < 0:
        raise BadPayload(
            f"{where} has discounts ({discount.minor}) above its sales ({gross.minor})"
        )
    return net


def _add(a: Money, b: Money, where: str) -> Money:
    if a.currency != b.currency:
        raise BadPayload(f"{where} mixes {a.currency} and {b.currency}")
    return Money(a.minor + b.minor, a.currency)


def _one_currency(amounts: Sequence[Money], where: str) -> str:
    currencies = {amount.currency for amount in amounts}
    if len(currencies) != 1:
        raise BadPayload(f"{where} mixes currencies: {', '.join(sorted(currencies))}")
    return currencies.pop()


def _display_name(item: f.JsonObject, where: str) -> str:
    name = (f.opt_text(item, "name", where) or "").strip() or _AD_HOC_NAME
    return display_name(name, f.opt_text(item, "variation_name", where))


def _key(item: f.JsonObject, where: str) -> str:
    catalog_id = f.opt_text(item, "catalog_object_id", where)
    if catalog_id:
        return catalog_id
    return name_key(f.opt_text(item, "name", where) or _AD_HOC_NAME)
