"""Generic events -> engine receipts and refunds: the spec's own example (golden), and every way
an event can be wrong, each named by its path."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from engine.catalog import ModifierId, PosItemId
from engine.errors import InvalidInput
from engine.receipt import ModifierLine, Receipt, ReceiptLine, Refund, RefundLine
from integrations.generic.normalize import ReceiptClosed, ReceiptRefunded, normalize, parse

SAMPLE = Path(__file__).parent / "generic_samples" / "receipt_closed.json"
EST = timezone(timedelta(hours=-5))


def sample() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SAMPLE.read_text())
    return loaded


def test_the_spec_example_normalises_exactly() -> None:
    assert parse(SAMPLE.read_bytes()) == ReceiptClosed(
        event_id="evt-7f3a",
        receipt=Receipt(
            provider="generic",
            receipt_id="R-1001",
            version=1,
            closed_at=datetime(2026, 11, 21, 23, 15, 2, tzinfo=EST),
            currency="USD",
            lines=(
                ReceiptLine(
                    line_id="L1",
                    pos_item_id=PosItemId("cocktail-margarita"),
                    name="Margarita",
                    quantity=2000,
                    net_amount=2400,
                    modifiers=(ModifierLine(ModifierId("mod-double"), "Double", 1000),),
                ),
                ReceiptLine("L2", PosItemId("beer-ipa-pint"), "IPA Pint", 1000, 0),
            ),
        ),
    )


def test_without_ids_items_and_modifiers_key_on_the_casefolded_name() -> None:
    event = sample()
    line = event["receipt"]["lines"][0]
    del line["item_id"]
    line["name"] = "  Tito's   SHOT "
    line["modifiers"] = [{"name": "Double"}]
    line["quantity"] = "0.5"
    event["receipt"]["closed_at"] = "2026-11-22T04:15:02Z"
    event["receipt"]["version"] = 3
    result = normalize(event)
    assert isinstance(result, ReceiptClosed)
    first = result.receipt.lines[0]
    assert first.pos_item_id == "tito's shot"
    assert first.name == "Tito's   SHOT"
    assert first.quantity == 500
    assert first.modifiers == (ModifierLine(ModifierId("double"), "Double", 1000),)
    assert result.receipt.closed_at == datetime(2026, 11, 22, 4, 15, 2, tzinfo=UTC)
    assert result.receipt.version == 3


def test_quantities_are_exact_milli_units_and_a_fourth_decimal_is_refused() -> None:
    """Issue 11: "0.0004" was refused as "must be more than zero" and "0.3333" rounded to 0.333;
    both have more decimals than barback keeps, and say so, naming the field."""
    event = sample()
    for more in ("0.0004", "0.3333", "1.0015"):
        event["receipt"]["lines"][0]["quantity"] = more
        with pytest.raises(InvalidInput, match=r"lines\[0\]\.quantity has more decimals"):
            normalize(event)
    event["receipt"]["lines"][0]["quantity"] = "0.000"
    with pytest.raises(InvalidInput, match="more than zero"):
        normalize(event)
    event["receipt"]["lines"][0]["quantity"] = "1.0010"  # a trailing zero is not a decimal kept
    result = normalize(event)
    assert isinstance(result, ReceiptClosed)
    assert result.receipt.lines[0].quantity == 1001
    event["receipt"]["lines"][0]["quantity"] = 3  # a JSON integer is fine
    result = normalize(event)
    assert isinstance(result, ReceiptClosed)
    assert result.receipt.lines[0].quantity == 3000


def test_a_refund() -> None:
    event = {
        "event_id": "evt-9",
        "type": "receipt.refunded",
        "receipt": {
            "id": "RF-1",
            "refund_of": "R-1001",
            "closed_at": "2026-11-22T00:05:00-05:00",
            "currency": "usd",
            "lines": [{"id": "L1", "quantity": "1", "net_amount": 1200}],
        },
    }
    assert normalize(event) == ReceiptRefunded(
        "evt-9",
        Refund(
            provider="generic",
            refund_id="RF-1",
            refund_of="R-1001",
            refunded_at=datetime(2026, 11, 22, 0, 5, tzinfo=EST),
            currency="USD",
            lines=(RefundLine("L1", 1000, 1200),),
        ),
    )


def _set(event: dict[str, Any], path: str, value: object) -> None:
    *parents, last = path.split(".")
    node: Any = event
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is DELETE:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value


DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("type", "receipt.opened", "event type 'receipt.opened' is not known"),
        ("event_id", DELETE, "event.event_id is missing"),
        ("event_id", 7, "event.event_id must be a string, not a number"),
        ("receipt", [], "receipt must be a JSON object, not a list"),
        ("receipt.id", "  ", "receipt.id is empty"),
        ("receipt.closed_at", "2026-11-21T23:15:02", "has no UTC offset"),
        ("receipt.closed_at", "last night", "is not an ISO 8601 time"),
        ("receipt.currency", "dollars", "is not an ISO 4217 code"),
        ("receipt.version", 0, "receipt.version must be a whole number from 1"),
        ("receipt.lines", [], "receipt.lines must be a non-empty list"),
        ("receipt.lines.0", "Margarita", r"receipt.lines\[0\] must be a JSON object"),
        ("receipt.lines.1.quantity", 1.5, r"receipt.lines\[1\].quantity must be a decimal string"),
        ("receipt.lines.1.quantity", "-1", r"'-1' is not a positive decimal"),
        ("receipt.lines.1.quantity", "1e3", r"'1e3' is not a positive decimal"),
        ("receipt.lines.1.quantity", True, "must be a decimal string"),
        ("receipt.lines.1.net_amount", "24.00", r"net_amount must be an integer of minor units"),
        ("receipt.lines.1.net_amount", 24.0, r"net_amount must be an integer"),
        ("receipt.lines.1.net_amount", -100, r"net_amount must not be negative"),
        ("receipt.lines.1.name", DELETE, r"receipt.lines\[1\].name is missing"),
        ("receipt.lines.1.id", "L1", "the line id 'L1' twice"),
        ("receipt.lines.0.modifiers", {"name": "x"}, r"modifiers must be a list"),
        ("receipt.lines.0.modifiers.0.quantity", "0", r"modifiers\[0\].quantity must be more"),
        ("receipt.lines.0.modifiers.0.name", None, r"modifiers\[0\].name is missing"),
    ],
)
def test_a_wrong_event_is_refused_naming_the_path(path: str, value: object, message: str) -> None:
    event = copy.deepcopy(sample())
    _set(event, path, value)
    with pytest.raises(InvalidInput, match=message):
        normalize(event)


def test_a_body_that_is_not_json() -> None:
    with pytest.raises(InvalidInput, match="the body is not JSON"):
        parse(b"{not json")
    with pytest.raises(InvalidInput, match="event must be a JSON object, not a list"):
        parse(b"[]")
