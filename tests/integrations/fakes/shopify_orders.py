"""Shopify REST resources as Shopify sends them (orders, line items, refunds) and signed webhook
deliveries, for tests, the fake and the conformance kit.

    order = make_order(1001, [make_line(1, "Tito's Shot", "8.00", quantity=2)])
    signed = deliver("orders/paid", order, secret=CLIENT_SECRET)
    await client.post("/webhooks/shopify", data=signed.body, headers=signed.headers)

Money is a decimal string in major units, with its `*_set` MoneyBag (shop and presentment
money), as Shopify writes it.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from integrations.shopify.verify import HEADER, sign

Json = dict[str, Any]
SHOP = "example-bar.myshopify.com"
LOCATION_ID = 48752903
API_VERSION = "2026-10"


def money_set(amount: str, currency: str = "USD") -> Json:
    bag = {"amount": amount, "currency_code": currency}
    return {"shop_money": bag, "presentment_money": dict(bag)}


def allocation(amount: str, index: int = 0, currency: str = "USD") -> Json:
    return {
        "amount": amount,
        "amount_set": money_set(amount, currency),
        "discount_application_index": index,
    }


def variant_of(title: str) -> int:
    """The variant id `make_line` gives a catalogue product by default: one per title."""
    return 47_000_000_000_000 + sum(map(ord, title)) * 7919


def make_line(
    line_id: int,
    title: str,
    price: str,
    *,
    quantity: int = 1,
    variant_id: int | None = None,
    variant_title: str | None = None,
    discounts: tuple[str, ...] = (),
    modifiers: tuple[str, ...] = (),
    tax: str | None = None,
    currency: str = "USD",
) -> Json:
    """A line item; `variant_id` defaults to one derived from the title (a catalogue product),
    `variant_id=0` makes a custom sale (no product); `modifiers` go in one `Modifier` property."""
    if variant_id is None:
        variant_id = variant_of(title)
    name = f"{title} - {variant_title}" if variant_title else title
    line: Json = {
        "id": line_id,
        "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}",
        "name": name,
        "title": title,
        "variant_title": variant_title,
        "variant_id": variant_id or None,
        "product_id": (variant_id // 10) if variant_id else None,
        "sku": None,
        "quantity": quantity,
        "current_quantity": quantity,
        "price": price,
        "price_set": money_set(price, currency),
        "total_discount": "0.00",
        "total_discount_set": money_set("0.00", currency),
        "discount_allocations": [allocation(amount, 0, currency) for amount in discounts],
        "properties": [{"name": "Modifier", "value": ", ".join(modifiers)}] if modifiers else [],
        "gift_card": False,
        "taxable": True,
        "tax_lines": []
        if tax is None
        else [{"price": tax, "price_set": money_set(tax, currency), "rate": 0.08875,
               "title": "Sales Tax"}],
        "sales_line_item_group_id": None,
    }  # fmt: skip
    return line


def make_order(
    order_id: int,
    lines: list[Json],
    *,
    processed_at: str = "2026-11-21T21:00:00-05:00",
    updated_at: str | None = None,
    financial_status: str = "paid",
    location_id: int | None = LOCATION_ID,
    currency: str = "USD",
    taxes_included: bool = False,
    refunds: list[Json] | None = None,
) -> Json:
    """A POS order (`source_name` pos) at `location_id`; None makes it an online order."""
    return {
        "id": order_id,
        "admin_graphql_api_id": f"gid://shopify/Order/{order_id}",
        "name": f"#{order_id}",
        "order_number": order_id,
        "created_at": processed_at,
        "processed_at": processed_at,
        "updated_at": updated_at or processed_at,
        "closed_at": processed_at,
        "cancelled_at": None,
        "financial_status": financial_status,
        "currency": currency,
        "presentment_currency": currency,
        "location_id": location_id,
        "source_name": "pos" if location_id is not None else "web",
        "taxes_included": taxes_included,
        "test": False,
        "line_items": lines,
        "refunds": refunds or [],
        "discount_applications": [],
    }


def make_refund(
    refund_id: int,
    order_id: int,
    lines: list[tuple[int, int, str]],
    *,
    processed_at: str = "2026-11-21T22:00:00-05:00",
    currency: str = "USD",
    location_id: int | None = LOCATION_ID,
) -> Json:
    """A refund of `(line item id, quantity, subtotal)` lines."""
    return {
        "id": refund_id,
        "order_id": order_id,
        "created_at": processed_at,
        "processed_at": processed_at,
        "restock": True,
        "refund_line_items": [
            {
                "id": refund_id * 10 + i,
                "line_item_id": line_id,
                "location_id": location_id,
                "quantity": quantity,
                "restock_type": "return",
                "subtotal": float(subtotal),
                "subtotal_set": money_set(subtotal, currency),
                "total_tax": 0.0,
                "total_tax_set": money_set("0.00", currency),
            }
            for i, (line_id, quantity, subtotal) in enumerate(lines)
        ],
        "transactions": [],
        "order_adjustments": [],
    }


@dataclass(frozen=True, slots=True)
class SignedDelivery:
    body: bytes
    headers: dict[str, str]


def deliver(
    topic: str,
    resource: Json | bytes,
    *,
    secret: str,
    shop: str = SHOP,
    webhook_id: str | None = None,
    triggered_at: datetime | None = None,
) -> SignedDelivery:
    """A webhook delivery as Shopify sends it: the raw resource and its headers, signed."""
    body = resource if isinstance(resource, bytes) else json.dumps(resource).encode()
    at = (triggered_at or datetime.now(UTC)).astimezone(UTC)
    return SignedDelivery(
        body,
        {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            HEADER: sign(secret, body),
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-API-Version": API_VERSION,
            "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        },
    )
