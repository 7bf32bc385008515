"""Clover orders, payments, refunds and webhook deliveries as Clover's wire format has them
(collections wrapped in `{"elements": [...]}`, cents, Unix milliseconds), for the fake and tests.

    order = make_order("ORD1", lines=[make_line("LI1", "Old Fashioned", 1200, item_id="OLDF")])

`make_order` pays the order by default (one SUCCESS payment of its total, taken at `paid_at`),
computing the total as Clover's apps do (`integrations.clover.pricing` is NOT used: the arithmetic
is written out here, so a test compares two computations).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

Json = dict[str, Any]
MERCHANT_ID = "XYZVJT2ZRRRSC"
APP_ID = "DRKVJT2ZRRRSC"
AUTH_CODE = "0307e264-b33a-4913-88aa-37b10014a0b8"
HEADER = "X-Clover-Auth"
PAID_AT = 1_795_312_800_000  # 2026-11-22T02:00:00Z


def elements(items: list[Json]) -> Json:
    return {"elements": items}


def make_modification(mod_id: str, name: str, amount: int, modifier_id: str | None = None) -> Json:
    mod: Json = {"id": mod_id, "name": name, "alternateName": "", "amount": amount}
    if modifier_id is not None:
        mod["modifier"] = {"id": modifier_id, "name": name, "price": amount}
    return mod


def make_discount(
    discount_id: str, name: str, *, percentage: int | None = None, amount: int | None = None
) -> Json:
    discount: Json = {"id": discount_id, "name": name}
    if percentage is not None:
        discount["percentage"] = percentage
    if amount is not None:
        discount["amount"] = -abs(amount)  # Clover signs fixed discounts negative
    return discount


def make_line(
    line_id: str,
    name: str,
    price: int,
    *,
    item_id: str | None = None,
    modifications: list[Json] | None = None,
    discounts: list[Json] | None = None,
    unit_qty: int | None = None,
    refund_id: str | None = None,
    tax_rates: list[Json] | None = None,
) -> Json:
    line: Json = {
        "id": line_id,
        "name": name,
        "price": price,
        "printed": True,
        "exchanged": False,
        "refunded": refund_id is not None,
        "isRevenue": True,
    }
    if item_id is not None:
        line["item"] = {"id": item_id}
    if modifications:
        line["modifications"] = elements(modifications)
    if discounts:
        line["discounts"] = elements(discounts)
    if unit_qty is not None:
        line["unitQty"] = unit_qty
    if refund_id is not None:
        line["refund"] = {"id": refund_id}
    if tax_rates:
        line["taxRates"] = elements(tax_rates)
    return line


def subtotal(order_lines: list[Json], order_discounts: list[Json] | None = None) -> int:
    """What the lines charge after every discount, before tax (half up, as Clover rounds)."""

    def off(base: int, discounts: list[Json]) -> int:
        pct = sum((base * d["percentage"] * 2 + 100) // 200 for d in discounts if "percentage" in d)
        return pct + sum(-d["amount"] for d in discounts if "amount" in d)

    total = 0
    for line in order_lines:
        base = line["price"] * line.get("unitQty", 1000)
        base = (base * 2 + 1000) // 2000
        base += sum(m["amount"] for m in line.get("modifications", {}).get("elements", []))
        total += max(base - off(base, line.get("discounts", {}).get("elements", [])), 0)
    return max(total - off(total, order_discounts or []), 0)


def make_payment(
    payment_id: str,
    order_id: str,
    amount: int,
    *,
    created: int = PAID_AT,
    result: str = "SUCCESS",
    modified: int | None = None,
    tip: int = 0,
    tax: int = 0,
) -> Json:
    return {
        "id": payment_id,
        "order": {"id": order_id},
        "amount": amount,
        "tipAmount": tip,
        "taxAmount": tax,
        "createdTime": created,
        "clientCreatedTime": created,
        "modifiedTime": modified or created,
        "result": result,
    }


def make_refund(
    refund_id: str,
    order_id: str,
    amount: int,
    *,
    created: int,
    line_ids: list[str] | None = None,
    payment_id: str | None = None,
    tax: int = 0,
) -> Json:
    refund: Json = {
        "id": refund_id,
        "orderRef": {"id": order_id},
        "amount": amount,
        "taxAmount": tax,
        "tipAmount": 0,
        "createdTime": created,
    }
    if payment_id is not None:
        refund["payment"] = {"id": payment_id}
    if line_ids is not None:
        refund["lineItems"] = elements([{"id": line_id} for line_id in line_ids])
    return refund


def make_order(
    order_id: str,
    *,
    lines: list[Json] | None = None,
    discounts: list[Json] | None = None,
    payment_state: str | None = "PAID",
    paid_at: int = PAID_AT,
    modified: int | None = None,
    payments: list[Json] | None = None,
    refunds: list[Json] | None = None,
    credits: list[Json] | None = None,
    currency: str = "USD",
    tax_rate_ppm: int = 0,
    **extra: Any,
) -> Json:
    """An order; paid (one SUCCESS payment of its total at `paid_at`) unless `payment_state` says
    otherwise or `payments` are given. `tax_rate_ppm`: sales tax added to the total (not booked)."""
    lines = lines or []
    net = subtotal(lines, discounts)
    total = net + (net * tax_rate_ppm + 500_000) // 1_000_000
    if payments is None:
        payments = []
        if payment_state in ("PAID", "PARTIALLY_REFUNDED", "REFUNDED"):
            payments = [make_payment(f"P{order_id}"[:13], order_id, total, created=paid_at)]
    order: Json = {
        "id": order_id,
        "currency": currency,
        "total": total,
        "paymentState": payment_state,
        "state": "locked" if payment_state else "open",
        "taxRemoved": False,
        "isVat": False,
        "testMode": False,
        "manualTransaction": False,
        "groupLineItems": True,
        "payType": "FULL",
        "createdTime": paid_at - 600_000,
        "clientCreatedTime": paid_at - 600_000,
        "modifiedTime": modified or paid_at + 400,
        "lineItems": elements(lines),
        "discounts": elements(discounts or []),
        "payments": elements(payments),
        "refunds": elements(refunds or []),
        "credits": elements(credits or []),
    }
    order.update(extra)
    return order


# -- webhook deliveries ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Posted:
    body: bytes
    headers: dict[str, str]


def update(object_id: str, ts: int, kind: str = "UPDATE") -> Json:
    return {"objectId": object_id, "type": kind, "ts": ts}


def delivery(
    merchants: dict[str, list[Json]], *, app_id: str = APP_ID, auth_code: str | None = AUTH_CODE
) -> Posted:
    """A delivery as Clover posts it: compact JSON, the static auth code in `X-Clover-Auth`."""
    body = json.dumps({"appId": app_id, "merchants": merchants}, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Clover-Webhooks"}
    if auth_code is not None:
        headers[HEADER] = auth_code
    return Posted(body, headers)


def order_delivery(order_id: str, ts: int, *, merchant_id: str = MERCHANT_ID, **kw: Any) -> Posted:
    return delivery({merchant_id: [update(f"O:{order_id}", ts)]}, **kw)


def verification(code: str = "5220ecf5-7dea-4396-b0ba-a1659c182887") -> Posted:
    body = json.dumps({"verificationCode": code}).encode()
    return Posted(body, {"Content-Type": "application/json"})
