"""Toast orders -> receipts and refunds: the spec's sample, then hand-made orders for each rule.

Expected values are written out by hand from the order JSON, never computed by the code under test.
Orders go through JSON text first, as they arrive (`fields.decode` keeps the digits Toast wrote).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.catalog import ModifierId, PosItemId
from engine.receipt import ModifierLine, Receipt, ReceiptLine, Refund, RefundLine
from integrations.errors import BadPayload
from integrations.provider import Skip
from integrations.toast.fields import decode
from integrations.toast.normalize import Normalized, normalize_order
from tests.integrations.fakes.toast_orders import (
    make_check,
    make_order,
    make_payment,
    make_selection,
    refund_details,
)

Json = dict[str, Any]
SAMPLES = Path(__file__).resolve().parent / "samples"
OPENED = datetime(2024, 5, 24, 1, 52, tzinfo=UTC)
PAID = datetime(2024, 5, 24, 2, 14, 3, 650000, tzinfo=UTC)
MODIFIED = datetime(2024, 5, 24, 2, 14, 5, 902000, tzinfo=UTC)
MODIFIED_MS = 1716516845902
SHOT = "a8b4439d-185d-41df-8ad3-2ff4f7dfa6ec"
DOUBLE = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"


def wire(order: Json) -> Any:
    return decode(json.dumps(order), "order")


def normalized(order: Json, currency: str = "USD") -> Normalized:
    result = normalize_order(wire(order), currency)
    assert isinstance(result, Normalized), result
    return result


def one_check(*selections: Json, **check: Any) -> Json:
    status = check.pop("status", "CLOSED")
    paid = check.pop("paid", None if status == "OPEN" else PAID)
    modified = check.pop("modified", MODIFIED)
    order_fields = {k: check.pop(k) for k in ("voided", "void_date", "deleted") if k in check}
    made = make_check(
        "check-1", list(selections), status=status, opened=OPENED, paid=paid, modified=modified,
        **check,
    )  # fmt: skip
    return make_order("order-1", [made], opened=OPENED, modified=modified, paid=paid,
                      **order_fields)  # fmt: skip


def shot(guid: str = "sel-1", **fields: Any) -> Json:
    return make_selection(guid, SHOT, "Tito's Shot", **{"price": 800, **fields})


def test_the_spec_sample_books_three_lines_and_leaves_the_void_out() -> None:
    message = json.loads((SAMPLES / "toast_order_updated_webhook.json").read_text())
    order = decode(json.dumps(message["details"]["order"]), "order")
    result = normalize_order(order, "USD")
    assert isinstance(result, Normalized)
    assert result.booked == (
        Receipt(
            "toast",
            "cd39b62e-363b-4029-98f1-f3dc91f00df4",
            MODIFIED_MS,
            PAID,
            "USD",
            (
                ReceiptLine(
                    "2f6a1c3e-4b5d-4e7f-8a9b-1c2d3e4f5a6b",
                    PosItemId("a8b4439d-185d-41df-8ad3-2ff4f7dfa6ec"),
                    "Old Fashioned",
                    1000,
                    1440,  # 14.4: $12 + $4 double, less 10%; the price already holds both
                    (ModifierLine(ModifierId(DOUBLE), "Make it a double", 1000),),
                ),
                ReceiptLine(
                    "3a7b2d4f-5c6e-4f80-9b1a-2d3e4f5a6b7c",
                    PosItemId("b9c5540e-296e-42e0-9be4-30a5e8eb7b1f"),
                    "Draft IPA (Pint)",
                    1000,
                    0,  # the comp
                ),
                ReceiptLine(
                    "4b8c3e5a-6d7f-4a91-8c2b-3e4f5a6b7c8d",
                    PosItemId("c0d6651f-3a7f-43f1-8cf5-41b6f9fc8c20"),
                    "Margarita",
                    1000,
                    1400,
                    (
                        ModifierLine(
                            ModifierId("d1e7762a-4b8a-44a2-9d06-52c7a0ad9d31"),
                            "Top-shelf tequila",
                            1000,
                        ),
                    ),
                ),
            ),
        ),
    )
    assert result.left_out == (
        "Nachos (5c9d4f6b-7e8a-4ba2-9d3c-4f5a6b7c8d9e) was voided before payment",
    )


@pytest.mark.parametrize("status", ["PAID", "CLOSED"])
def test_a_paid_or_closed_check_books_at_its_payment(status: str) -> None:
    (receipt,) = normalized(one_check(shot(), status=status)).booked
    assert isinstance(receipt, Receipt)
    assert (receipt.receipt_id, receipt.closed_at, receipt.version) == (
        "check-1",
        PAID,
        MODIFIED_MS,
    )


def test_an_open_check_a_deleted_order_and_a_check_voided_before_payment_book_nothing() -> None:
    assert normalize_order(wire(one_check(shot(), status="OPEN")), "USD") == Skip(
        "order order-1 books nothing: check check-1 is OPEN"
    )
    deleted = normalize_order(wire(one_check(shot(), deleted=True)), "USD")
    assert deleted == Skip("order order-1 is deleted")
    voided = one_check(shot(), status="OPEN", voided=True, void_date=PAID)
    assert normalize_order(wire(voided), "USD") == Skip(
        "order order-1 books nothing: check check-1 was voided before it was paid"
    )


def test_a_selection_voided_after_payment_is_sold_then_refunded() -> None:
    voided_at = PAID + timedelta(minutes=20)
    order = one_check(shot("sel-1"), shot("sel-2", voided=True, void_date=voided_at))
    receipt, refund = normalized(order).booked
    assert isinstance(receipt, Receipt) and isinstance(refund, Refund)
    assert [line.line_id for line in receipt.lines] == ["sel-1", "sel-2"]
    assert refund == Refund(
        "toast", "void:sel-2", "check-1", voided_at, "USD", (RefundLine("sel-2", 1000, 800),)
    )


def test_a_selection_voided_before_payment_was_never_sold() -> None:
    order = one_check(shot("sel-1"), shot("sel-2", voided=True, void_date=PAID - timedelta(1)))
    (receipt,) = normalized(order).booked
    assert [line.line_id for line in receipt.lines] == ["sel-1"]  # type: ignore[union-attr]


def test_an_order_voided_after_payment_refunds_every_line() -> None:
    voided_at = PAID + timedelta(hours=1)
    order = one_check(shot("sel-1"), shot("sel-2", price=1600, quantity=2.0), voided=True,
                      void_date=voided_at)  # fmt: skip
    receipt, *refunds = normalized(order).booked
    assert isinstance(receipt, Receipt) and len(receipt.lines) == 2
    assert [(r.refund_id, r.refunded_at, r.lines) for r in refunds] == [  # type: ignore[union-attr]
        ("void:sel-1", voided_at, (RefundLine("sel-1", 1000, 800),)),
        ("void:sel-2", voided_at, (RefundLine("sel-2", 2000, 1600),)),
    ]


def test_a_partial_refund_names_its_transaction_and_its_share_of_the_line() -> None:
    refunded_at = PAID + timedelta(days=1)
    payment = make_payment("pay-1", "check-1", "order-1", 2400, PAID,
                           refund=(1200, refunded_at, "txn-9"))  # fmt: skip
    double = make_selection("mod-1", DOUBLE, "Double", price=800, modifier=True,
                            refund=refund_details(400, 0, "txn-9"))  # fmt: skip
    line = shot("sel-1", price=2400, quantity=2.0, modifiers=[double],
                refund=refund_details(800, 71, "txn-9"))  # fmt: skip
    _, refund = normalized(one_check(line, payments=[payment])).booked
    # $8.00 + the modifier's $4.00 of a $24.00 line of 2: half of it, one drink.
    assert refund == Refund(
        "toast", "txn-9", "check-1", refunded_at, "USD", (RefundLine("sel-1", 1000, 1200),)
    )


def test_tax_is_never_in_the_net() -> None:
    included = shot(price=1090, tax=90, tax_inclusion="INCLUDED")  # VAT: the price holds the tax
    excluded = shot("sel-2", price=800, tax=71)
    (receipt,) = normalized(one_check(included, excluded)).booked
    assert [line.net_amount for line in receipt.lines] == [1000, 800]  # type: ignore[union-attr]


def test_money_is_read_as_the_digits_toast_wrote() -> None:
    order = one_check(shot())
    order["checks"][0]["selections"][0]["price"] = 14.400000000000002  # a double sum's noise
    (receipt,) = normalized(order).booked
    assert receipt.lines[0].net_amount == 1440  # type: ignore[union-attr]
    order["checks"][0]["selections"][0]["price"] = 14.405
    with pytest.raises(BadPayload, match="more decimals than the currency has"):
        normalize_order(wire(order), "USD")
    order["checks"][0]["selections"][0]["price"] = 1200.0
    (yen,) = normalized(order, "JPY").booked
    assert yen.lines[0].net_amount == 1200  # type: ignore[union-attr]
    order["checks"][0]["selections"][0]["price"] = 2_000_000.0
    with pytest.raises(BadPayload, match="beyond 1000000"):
        normalize_order(wire(order), "USD")


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [(1.0, 1000), (0.5, 500), (2.25, 2250), (0.333, 333)],
)
def test_quantities_in_milli_units(quantity: float, expected: int) -> None:
    (receipt,) = normalized(one_check(shot(quantity=quantity))).booked
    assert receipt.lines[0].quantity == expected  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("quantity", "message"),
    [(0.3333, "more than three decimals"), (-1.0, "not between 0"), (20000.0, "not between 0")],
)
def test_quantities_out_of_bounds_are_refused(quantity: float, message: str) -> None:
    with pytest.raises(BadPayload, match=message):
        normalize_order(wire(one_check(shot(quantity=quantity))), "USD")


def test_nested_modifiers_count_per_unit_of_the_line() -> None:
    rim = make_selection("mod-2", "rim-guid", "Salt Rim", price=0, quantity=1.5, modifier=True)
    double = make_selection("mod-1", DOUBLE, "Double", price=400, quantity=2.0, modifier=True,
                            modifiers=[rim])  # fmt: skip
    voided = make_selection("mod-3", "x", "Extra Lime", price=0, modifier=True, voided=True)
    (receipt,) = normalized(one_check(shot(modifiers=[double, voided]))).booked
    assert receipt.lines[0].modifiers == (  # type: ignore[union-attr]
        ModifierLine(ModifierId(DOUBLE), "Double", 2000),
        ModifierLine(ModifierId("rim-guid"), "Salt Rim", 3000),
    )


def test_gift_cards_and_open_items() -> None:
    card = make_selection("sel-card", "card", "Gift Card", price=5000,
                          selection_type="TOAST_CARD_SELL")  # fmt: skip
    open_item = make_selection("sel-open", None, "  Corkage  ", price=1500)
    result = normalized(one_check(card, open_item))
    (receipt,) = result.booked
    assert [(ln.pos_item_id, ln.name) for ln in receipt.lines] == [  # type: ignore[union-attr]
        (PosItemId("corkage"), "  Corkage  ")
    ]
    assert result.left_out == (
        "Gift Card (sel-card): no drink (gift card, house account, deferred)",
    )


def test_bounds_on_sizes() -> None:
    many = one_check(*(shot(f"sel-{i}") for i in range(501)))
    with pytest.raises(BadPayload, match="501 entries"):
        normalize_order(wire(many), "USD")
    nested: Json = make_selection("m-5", "m", "M", price=0, modifier=True)
    for depth in range(4, 0, -1):
        nested = make_selection(f"m-{depth}", "m", "M", price=0, modifier=True, modifiers=[nested])
    with pytest.raises(BadPayload, match="more than 4 deep"):
        normalize_order(wire(one_check(shot(modifiers=[nested]))), "USD")


def test_only_the_paid_checks_of_an_order_book() -> None:
    paid = make_check("check-1", [shot()], status="CLOSED", opened=OPENED, paid=PAID,
                      modified=MODIFIED)  # fmt: skip
    still_open = make_check("check-2", [shot("sel-2")], status="OPEN", opened=OPENED, paid=None,
                            modified=MODIFIED)  # fmt: skip
    order = make_order("order-1", [paid, still_open], opened=OPENED, modified=MODIFIED)
    result = normalized(order)
    assert [r.receipt_id for r in result.booked] == ["check-1"]  # type: ignore[union-attr]
    assert result.left_out == ("check check-2 is OPEN",)
