"""A Shopify webhook delivery (pos-formats.md §4.1-4.4): what its headers and body say.

Shopify sends no envelope: the body is the REST resource of the topic (an Order for `orders/*`,
a Refund for `refunds/create`), and the event's identity is in the headers:
- `X-Shopify-Webhook-Id`: the same on every retry of one delivery: the dedupe key;
- `X-Shopify-Topic`: `orders/paid`, `orders/updated`, `refunds/create`, ...;
- `X-Shopify-Shop-Domain`: the shop (`*.myshopify.com`): how the venue is found;
- `X-Shopify-Triggered-At`: when the change happened; retries carry the original time;
- `X-Shopify-Event-Id` (shared by deliveries of one merchant action) and `X-Shopify-API-Version`,
  kept for the record.

Checked at the door (400 when wrong, nothing stored): the three headers the event needs, the shop
domain, and the body being a JSON object with the ids its topic needs (an order's `id`, a refund's
`id` and `order_id`). The rest of the body is read in the worker, so an order barback cannot book
yet stays stored and replayable rather than refused.

Stale deliveries: Shopify retries for 4 hours after the trigger. A delivery triggered more than
`STALE_AFTER` ago is refused like a bad signature (401): it is a replay, not a retry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from integrations.errors import BadPayload, SignatureInvalid
from integrations.shopify import fields as f
from integrations.shopify.shops import ShopInvalid, shop_domain

TOPIC = "X-Shopify-Topic"
SHOP = "X-Shopify-Shop-Domain"
WEBHOOK_ID = "X-Shopify-Webhook-Id"
EVENT_ID = "X-Shopify-Event-Id"
TRIGGERED_AT = "X-Shopify-Triggered-At"
API_VERSION = "X-Shopify-API-Version"
KEPT_HEADERS = (TOPIC, SHOP, WEBHOOK_ID, EVENT_ID, TRIGGERED_AT, API_VERSION)

REFUNDS_CREATE = "refunds/create"
ORDER_TOPIC_PREFIX = "orders/"
STALE_AFTER = timedelta(days=1)
MAX_WEBHOOK_ID = 255  # the inbox's dedupe key column

Header = Callable[[str], str | None]
"""A header's value by name, matched case-insensitively (`Delivery.header`)."""


@dataclass(frozen=True, slots=True)
class Envelope:
    webhook_id: str
    topic: str
    shop: str
    triggered_at: datetime | None
    order_id: str | None
    """The order the body is (orders/*) or refunds (refunds/create); None for other topics."""
    refund_id: str | None
    location_id: str | None
    """The order's POS location, when the body says (online orders have none)."""

    @property
    def is_order(self) -> bool:
        return self.topic.startswith(ORDER_TOPIC_PREFIX)

    @property
    def is_refund(self) -> bool:
        return self.topic == REFUNDS_CREATE


def parse(header: Header, raw_body: bytes) -> Envelope:
    """The envelope of a verified delivery; raises `BadPayload`."""
    webhook_id = _header(header, WEBHOOK_ID)
    if len(webhook_id) > MAX_WEBHOOK_ID or not webhook_id.isprintable():
        raise BadPayload(f"{WEBHOOK_ID} must be at most {MAX_WEBHOOK_ID} printable characters")
    topic = _header(header, TOPIC)
    try:
        shop = shop_domain(header(SHOP))
    except ShopInvalid as bad:
        raise BadPayload(f"{SHOP}: {bad}") from None
    body = f.decode(raw_body, "body")
    order_id = refund_id = location_id = None
    if topic.startswith(ORDER_TOPIC_PREFIX):
        order_id = f.ident(body, "id", "order")
        location_id = f.opt_ident(body, "location_id", "order")
    elif topic == REFUNDS_CREATE:
        refund_id = f.ident(body, "id", "refund")
        order_id = f.ident(body, "order_id", "refund")
    return Envelope(
        webhook_id=webhook_id,
        topic=topic,
        shop=shop,
        triggered_at=_triggered_at(header),
        order_id=order_id,
        refund_id=refund_id,
        location_id=location_id,
    )


def check_fresh(header: Header, now: datetime, *, stale_after: timedelta = STALE_AFTER) -> None:
    """Refuse (`SignatureInvalid`) a delivery triggered more than `stale_after` before `now`."""
    try:
        triggered = _triggered_at(header)
    except BadPayload as bad:
        raise SignatureInvalid(str(bad)) from None
    if triggered is not None and now - triggered > stale_after:
        hours = (now - triggered).total_seconds() / 3600
        raise SignatureInvalid(f"the delivery is stale: triggered {hours:.0f} hours ago")


def _header(header: Header, name: str) -> str:
    value = (header(name) or "").strip()
    if not value:
        raise BadPayload(f"missing {name} header")
    return value


def _triggered_at(header: Header) -> datetime | None:
    value = (header(TRIGGERED_AT) or "").strip()
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise BadPayload(f"{TRIGGERED_AT} is not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise BadPayload(f"{TRIGGERED_AT} has no offset")
    return at
