"""Square webhook envelopes: what is read from each event kind, and what the worker does with it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import pytest

from integrations.errors import BadPayload
from integrations.provider import Skip
from integrations.square.envelope import (
    Envelope,
    FetchOrder,
    OrderChange,
    PaymentChange,
    RefundChange,
    decide,
    parse,
)
from tests.integrations.fakes.square import order_updated, payment_updated, refund_updated

SAMPLES = (
    Path(__file__).resolve().parent / "samples"
)  # copies of the Square examples in the team spec


def wire(name: str) -> bytes:
    """A sample as it would be on the wire: the `_`-prefixed annotations removed."""
    sample = json.loads((SAMPLES / name).read_text())
    return json.dumps({k: v for k, v in sample.items() if not k.startswith("_")}).encode()


def body(event: Mapping[str, object]) -> bytes:
    return json.dumps(event).encode()


def test_the_payment_updated_sample() -> None:
    envelope = parse(wire("square_payment_updated_webhook.json"))
    assert envelope == Envelope(
        event_id="a1e0f6d4-0a8e-3c1b-9d55-6f2e1c7b8d90",
        merchant_id="ML5X2Q8EXAMPLE",
        type="payment.updated",
        created_at=datetime(2024, 5, 24, 2, 14, 8, 990000, tzinfo=UTC),
        change=PaymentChange(
            payment_id="tNDR8bQk2vZ6yL1aE3",
            status="COMPLETED",
            order_id="Wk9tZbq3EwJ8vYcR4uQ1nXpLs2AZY",
            location_id="L8X7Q2Z4M1N9P",
        ),
    )
    assert envelope.location_id == "L8X7Q2Z4M1N9P"
    assert decide(envelope) == FetchOrder("Wk9tZbq3EwJ8vYcR4uQ1nXpLs2AZY", "L8X7Q2Z4M1N9P")


def test_the_order_updated_sample() -> None:
    envelope = parse(wire("square_order_updated_webhook.json"))
    assert envelope.event_id == "7c0b5b1e-3c7e-3f6d-a5b3-0f1d3b2e9a41"
    assert envelope.merchant_id == "ML5X2Q8EXAMPLE"
    assert envelope.change == OrderChange(
        order_id="Wk9tZbq3EwJ8vYcR4uQ1nXpLs2AZY",
        state="COMPLETED",
        version=6,
        location_id="L8X7Q2Z4M1N9P",
    )
    assert decide(envelope) == FetchOrder("Wk9tZbq3EwJ8vYcR4uQ1nXpLs2AZY", "L8X7Q2Z4M1N9P")


@pytest.mark.parametrize("status", ["APPROVED", "PENDING", "CANCELED", "FAILED"])
def test_a_payment_that_is_not_completed_is_skipped(status: str) -> None:
    decision = decide(parse(body(payment_updated("O-1", status=status))))
    assert isinstance(decision, Skip)
    assert status in decision.reason


def test_a_completed_payment_created_event_fetches_too() -> None:
    event = payment_updated("O-1", kind="payment.created")
    assert decide(parse(body(event))) == FetchOrder("O-1", "LFAKE0LOCATION1")


def test_a_completed_payment_without_an_order_is_skipped() -> None:
    decision = decide(parse(body(payment_updated(None))))
    assert isinstance(decision, Skip)
    assert "no order" in decision.reason


@pytest.mark.parametrize("state", ["OPEN", "DRAFT", "CANCELED"])
def test_an_order_that_is_not_completed_is_skipped(state: str) -> None:
    decision = decide(parse(body(order_updated("O-1", state=state))))
    assert decision == Skip(f"order O-1 is {state}, not COMPLETED")


def test_a_completed_order_created_event_fetches() -> None:
    event = order_updated("O-9", kind="order.created", version=3)
    envelope = parse(body(event))
    assert envelope.change == OrderChange("O-9", "COMPLETED", 3, "LFAKE0LOCATION1")
    assert decide(envelope) == FetchOrder("O-9", "LFAKE0LOCATION1")


def test_a_fulfillment_update_is_skipped_even_when_completed() -> None:
    envelope = parse(body(order_updated("O-1", kind="order.fulfillment.updated")))
    assert envelope.change is None
    assert decide(envelope) == Skip("order.fulfillment.updated events do not change inventory")


def test_a_completed_refund_fetches_its_return_order() -> None:
    envelope = parse(body(refund_updated("RET-1")))
    assert isinstance(envelope.change, RefundChange)
    assert decide(envelope) == FetchOrder("RET-1", "LFAKE0LOCATION1")


def test_a_pending_refund_is_skipped() -> None:
    decision = decide(parse(body(refund_updated("RET-1", status="PENDING"))))
    assert isinstance(decision, Skip)
    assert "PENDING" in decision.reason


def test_an_unknown_event_type_is_read_and_skipped() -> None:
    event = {
        "merchant_id": "M1",
        "type": "webhooks.test_notification",
        "event_id": "e-1",
        "created_at": "2022-07-13T20:30:59.037339943Z",
        "data": {"type": "webhooks", "id": "bc368e64"},
    }
    envelope = parse(body(event))
    assert (envelope.event_id, envelope.merchant_id, envelope.change) == ("e-1", "M1", None)
    assert envelope.created_at == datetime(2022, 7, 13, 20, 30, 59, 37339, tzinfo=UTC)
    assert isinstance(decide(envelope), Skip)


def test_data_type_is_not_branched_on() -> None:
    """The SDK says `order_updated`, Square's published example `order`: both read the same."""
    event = order_updated("O-1")
    event["data"]["type"] = "order_updated"
    assert decide(parse(body(event))) == FetchOrder("O-1", "LFAKE0LOCATION1")


def _without(event: dict[str, object], *path: str) -> dict[str, object]:
    node: dict[str, object] = event
    for key in path[:-1]:
        child = node[key]
        assert isinstance(child, dict)
        node = child
    del node[path[-1]]
    return event


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (body(_without(payment_updated("O"), "event_id")), "event.event_id is missing"),
        (body(_without(payment_updated("O"), "merchant_id")), "event.merchant_id is missing"),
        (body(_without(payment_updated("O"), "type")), "event.type is missing"),
        (body(_without(payment_updated("O"), "data")), "event.data must be a JSON object"),
        (
            body(_without(payment_updated("O"), "data", "object")),
            "payment.updated event needs event.data.object.payment",
        ),
        (
            body(_without(payment_updated("O"), "data", "object", "payment", "status")),
            "event.data.object.payment.status is missing",
        ),
        (
            body(_without(order_updated("O"), "data", "object", "order_updated", "state")),
            "event.data.object.order_updated.state is missing",
        ),
        (body({**payment_updated("O"), "event_id": 42}), "event.event_id must be a string"),
        (body({**payment_updated("O"), "created_at": "yesterday"}), "not an ISO 8601 time"),
    ],
    # The bodies hold random event ids: name the cases by the problem, the same on every worker.
    ids=lambda value: value if isinstance(value, str) else "body",
)
def test_a_malformed_envelope_is_bad_payload(raw: bytes, problem: str) -> None:
    with pytest.raises(BadPayload, match=problem):
        parse(raw)


def test_an_order_version_must_be_an_integer() -> None:
    event = order_updated("O-1")
    event["data"]["object"]["order_updated"]["version"] = "6"
    with pytest.raises(BadPayload, match="version must be an integer"):
        parse(body(event))
