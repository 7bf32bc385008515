"""A Shopify `Refund` (the `refunds/create` body, or an entry of an order's `refunds[]`;
pos-formats.md §4.8) -> the engine's `Refund`.

- refund id = the refund's `id`; `refund_of` = its `order_id` (the receipt id of the sale);
- refunded at `processed_at` (`created_at` when absent);
- one line per `refund_line_items[]` entry, naming the sale's line by `line_item_id`, with the
  `quantity` refunded and the money given back for it: `subtotal` (after the line's discounts,
  without tax) in the shop's currency; when the shop's prices include tax, the line's
  `total_tax` is subtracted, so a refund never gives back tax the sale did not count.

Decisions where the spec is silent:
- `restock_type` (whether Shopify put the item back in *its* stock) does not change barback's
  books: a refunded drink was usually poured; the venue's own `restock_refunds` setting decides.
- Lines with quantity 0, and refunds with no lines at all (an amount given back with nothing
  returned, `order_adjustments`, shipping), book nothing: there is no line to reverse. Two entries
  for one line item are added up.
"""

from __future__ import annotations

from engine.receipt import Refund, RefundLine
from integrations.errors import BadPayload
from integrations.shopify import fields as f
from integrations.shopify.limits import MAX_LINE_ITEMS

PROVIDER = "shopify"


def normalize_refund(
    refund: f.JsonObject, currency: str, *, taxes_included: bool, order_id: str | None = None
) -> Refund | None:
    """The refund, or None when it names no line; raises `BadPayload`. `order_id`, when given,
    must be the refund's own (a refund listed on the wrong order is not ours to book)."""
    refund_id = f.ident(refund, "id", "refund")
    where = f"refund {refund_id}"
    refund_of = f.opt_ident(refund, "order_id", where) or order_id
    if refund_of is None:
        raise BadPayload(f"{where}.order_id is missing")
    if order_id is not None and refund_of != order_id:
        raise BadPayload(f"{where} refunds order {refund_of}, not {order_id}")
    lines: dict[str, tuple[int, int]] = {}
    for path, item in f.objects(refund, "refund_line_items", where, MAX_LINE_ITEMS):
        line_id = f.ident(item, "line_item_id", path)
        quantity = f.quantity(item, "quantity", path)
        if quantity == 0:
            continue
        amount = f.shop_money(item, "subtotal", path, currency)
        if taxes_included:
            amount -= f.shop_money(item, "total_tax", path, currency)
            if amount < 0:
                raise BadPayload(f"{path} gives back more tax than its subtotal")
        before_quantity, before_amount = lines.get(line_id, (0, 0))
        lines[line_id] = (before_quantity + quantity, before_amount + amount)
    if not lines:
        return None
    return Refund(
        provider=PROVIDER,
        refund_id=refund_id,
        refund_of=refund_of,
        refunded_at=f.opt_instant(refund, "processed_at", where)
        or f.instant(refund, "created_at", where),
        currency=currency,
        lines=tuple(
            RefundLine(line_id, quantity * 1000, amount)
            for line_id, (quantity, amount) in lines.items()
        ),
    )
