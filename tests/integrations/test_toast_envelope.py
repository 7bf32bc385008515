"""Toast's message envelope: the spec's sample, partner messages, and what is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from integrations.errors import BadPayload
from integrations.provider import Delivery
from integrations.toast.envelope import parse
from integrations.toast.provider import ToastProvider
from integrations.toast.verify import sign

SAMPLES = Path(__file__).resolve().parent / "samples"  # copies of the team spec's Toast examples
RESTAURANT = "0cd990c9-fd74-461d-8468-de2a0919ccbb"


def sample() -> bytes:
    message = json.loads((SAMPLES / "toast_order_updated_webhook.json").read_text())
    wire = {k: v for k, v in message.items() if not k.startswith("_")}
    return json.dumps(wire, separators=(",", ":")).encode()


def test_the_sample_order_message() -> None:
    envelope = parse(sample())
    assert envelope.guid == "534bf25a-b657-45aa-9a63-47f8f35400d6"
    assert envelope.timestamp == datetime(2024, 5, 24, 2, 14, 6, 117000, tzinfo=UTC)
    assert (envelope.category, envelope.type) == ("order_updated", "order_updated")
    assert envelope.restaurant_guid == RESTAURANT
    assert envelope.is_order and not envelope.is_partner
    assert (
        envelope.order is not None
        and envelope.order["guid"] == "f6d98b95-2816-4f54-b1ab-7a5d71e83769"
    )


def test_the_provider_keeps_the_guid_as_dedupe_key_and_toast_headers_only() -> None:
    body = sample()
    provider = ToastProvider(
        webhook_secret="s", now=lambda: datetime(2024, 5, 24, 2, 15, tzinfo=UTC)
    )
    headers = {
        "toast-signature": sign("s", body, "2024-05-24T02:14:06.117Z"),
        "Toast-Attempt-Number": "2",
        "Toast-Restaurant-External-ID": RESTAURANT,
        "Authorization": "Bearer must-not-be-kept",
    }
    delivery = Delivery(body, headers)
    provider.verify(delivery)
    event = provider.envelope(delivery)
    assert (event.provider, event.dedupe_key, event.kind) == (
        "toast",
        "534bf25a-b657-45aa-9a63-47f8f35400d6",
        "order_updated",
    )
    assert event.account == RESTAURANT
    assert event.headers == {
        "Toast-Attempt-Number": "2",
        "Toast-Restaurant-External-ID": RESTAURANT,
    }


@pytest.mark.parametrize("kind", ["partner_added", "partner_removed", "partner_updated"])
def test_partner_messages_name_the_restaurant(kind: str) -> None:
    body = {
        "timestamp": "2019-09-16T21:22:12.825Z",
        "eventCategory": "partner",
        "eventType": kind,
        "guid": "00000000-0000-0000-0000-000000000000",
        "details": {
            "restaurantGuid": RESTAURANT,
            "restaurantName": "Toast Grill & Tap",
            "locationName": "Fenway, Boston, MA",
        },
    }
    envelope = parse(json.dumps(body).encode())
    assert envelope.is_partner and envelope.order is None
    assert envelope.restaurant_guid == RESTAURANT
    assert envelope.restaurant_name == "Toast Grill & Tap (Fenway, Boston, MA)"


def test_the_restaurant_header_stands_in_for_a_missing_guid() -> None:
    body = json.loads(sample())
    del body["details"]["restaurantGuid"]
    raw = json.dumps(body).encode()
    assert parse(raw, restaurant_header=RESTAURANT).restaurant_guid == RESTAURANT
    with pytest.raises(BadPayload, match="restaurantGuid is missing"):
        parse(raw)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b.pop("guid"), "message.guid is missing"),
        (lambda b: b.update(timestamp="yesterday"), "not an ISO 8601 time"),
        (lambda b: b["details"].pop("order"), "message.details.order must be a JSON object"),
        (lambda b: b.update(guid="x" * 300), "longer than 255"),
    ],
)
def test_a_malformed_message_is_bad_payload(change: object, message: str) -> None:
    body = json.loads(sample())
    change(body)  # type: ignore[operator]
    with pytest.raises(BadPayload, match=message):
        parse(json.dumps(body).encode())


def test_other_categories_are_kept_for_the_worker_to_skip() -> None:
    body = {"timestamp": "2024-05-24T02:14:06.117Z", "eventCategory": "menus",
            "eventType": "menus_updated", "guid": "m-1", "details": {}}  # fmt: skip
    envelope = parse(json.dumps(body).encode())
    assert not envelope.is_order and not envelope.is_partner
    assert envelope.restaurant_guid is None
