"""What a Shopify delivery's headers and body must say before it is stored, and when it is
stale."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from integrations.errors import BadPayload, SignatureInvalid
from integrations.provider import Delivery
from integrations.shopify.envelope import check_fresh, parse
from tests.integrations.fakes.shopify_orders import deliver, make_line, make_order, make_refund

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def delivery(topic: str, body: object, **headers: str) -> Delivery:
    signed = deliver(topic, json.dumps(body).encode(), secret="s", triggered_at=NOW)
    merged = {**signed.headers, **headers}
    return Delivery(signed.body, {k: v for k, v in merged.items() if v != "-"})


def test_an_order_delivery() -> None:
    order = make_order(1001, [make_line(1, "Shot", "8.00")])
    d = delivery("orders/paid", order, **{"X-Shopify-Webhook-Id": "wh-1"})
    envelope = parse(d.header, d.body)
    assert (envelope.webhook_id, envelope.topic, envelope.shop) == (
        "wh-1",
        "orders/paid",
        "example-bar.myshopify.com",
    )
    assert (envelope.order_id, envelope.refund_id, envelope.location_id) == (
        "1001",
        None,
        "48752903",
    )
    assert envelope.is_order and not envelope.is_refund
    assert envelope.triggered_at == NOW


def test_a_refund_delivery_names_its_order() -> None:
    d = delivery("refunds/create", make_refund(7, 1001, [(1, 1, "8.00")]))
    envelope = parse(d.header, d.body)
    assert (envelope.refund_id, envelope.order_id, envelope.is_refund) == ("7", "1001", True)


def test_other_topics_need_only_a_json_object() -> None:
    d = delivery("app/uninstalled", {"id": "not an order id"})
    envelope = parse(d.header, d.body)
    assert envelope.order_id is None and not envelope.is_order and not envelope.is_refund


@pytest.mark.parametrize(
    ("topic", "body", "headers", "reason"),
    [
        ("orders/paid", {"id": 1}, {"X-Shopify-Webhook-Id": "-"}, "X-Shopify-Webhook-Id"),
        ("orders/paid", {"id": 1}, {"X-Shopify-Webhook-Id": "x" * 256}, "at most 255"),
        ("orders/paid", {"id": 1}, {"X-Shopify-Topic": "-"}, "X-Shopify-Topic"),
        ("orders/paid", {"id": 1}, {"X-Shopify-Shop-Domain": "-"}, "no shop"),
        ("orders/paid", {"id": 1}, {"X-Shopify-Shop-Domain": "evil.com"}, "myshopify.com"),
        ("orders/paid", [], {}, "JSON object"),
        ("orders/paid", {"id": "1"}, {}, "order.id"),
        ("orders/paid", {"id": 1, "location_id": -4}, {}, "location_id"),
        ("refunds/create", {"id": 7}, {}, "refund.order_id"),
        ("orders/paid", {"id": 1}, {"X-Shopify-Triggered-At": "yesterday"}, "Triggered-At"),
    ],
)
def test_malformed_deliveries_are_refused(
    topic: str, body: object, headers: dict[str, str], reason: str
) -> None:
    d = delivery(topic, body, **headers)
    with pytest.raises(BadPayload, match=reason):
        parse(d.header, d.body)


def test_not_json_is_refused() -> None:
    d = delivery("orders/paid", {})
    with pytest.raises(BadPayload, match="not JSON"):
        parse(d.header, b"{not json")


def test_a_delivery_older_than_a_day_is_stale() -> None:
    fresh = delivery("orders/paid", {"id": 1})
    check_fresh(fresh.header, NOW + timedelta(hours=23))
    check_fresh(fresh.header, NOW - timedelta(minutes=5))  # a clock behind ours is no replay
    with pytest.raises(SignatureInvalid, match="stale: triggered 25 hours ago"):
        check_fresh(fresh.header, NOW + timedelta(hours=25))
    untimed = delivery("orders/paid", {"id": 1}, **{"X-Shopify-Triggered-At": "-"})
    check_fresh(untimed.header, NOW + timedelta(days=30))
    garbled = delivery("orders/paid", {"id": 1}, **{"X-Shopify-Triggered-At": "soon"})
    with pytest.raises(SignatureInvalid):
        check_fresh(garbled.header, NOW)
