"""Clover orders -> receipts: the spec's sample against its golden file, then hand-made orders for
each rule of the arithmetic. Refunds and voids are in test_clover_refunds.py.

Expected values are worked out by hand in the comments, never computed by the code under test.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from engine.catalog import ModifierId, PosItemId
from engine.receipt import ModifierLine, Receipt, Refund, validate_receipt, validate_refund
from integrations.clover.normalize import Normalized, normalize_order
from integrations.errors import BadPayload
from integrations.provider import Skip
from tests.integrations.fakes.clover_orders import (
    make_discount,
    make_line,
    make_modification,
    make_order,
)

SAMPLES = Path(__file__).resolve().parent / "samples"  # copies of the team spec's examples


def normalized(order: dict[str, Any]) -> Normalized:
    result = normalize_order(order)
    assert isinstance(result, Normalized), result
    for booked in result.booked:
        if isinstance(booked, Receipt):
            validate_receipt(booked, booked.currency)
        else:
            validate_refund(booked, booked.currency)
    return result


def receipt_of(order: dict[str, Any]) -> Receipt:
    receipt = normalized(order).booked[0]
    assert isinstance(receipt, Receipt)
    return receipt


def nets(order: dict[str, Any]) -> list[int]:
    return [line.net_amount for line in receipt_of(order).lines]


def as_golden(result: Normalized) -> dict[str, Any]:
    """The documents as the golden file writes them: a line id is `<item>~<digest>`, shown with
    the digest as `…` (grouping's own tests pin what it covers)."""
    items = {
        line.line_id: line.pos_item_id
        for d in result.booked
        if isinstance(d, Receipt)
        for line in d.lines
    }
    for line_id, item in items.items():
        assert re.fullmatch(rf"{re.escape(item)}~[0-9a-f]{{12}}", line_id), line_id

    def plain(document: Receipt | Refund) -> dict[str, Any]:
        shown = asdict(document)
        for line in shown["lines"]:
            line["line_id"] = f"{items[line['line_id']]}~…"
        for key in ("provider", "state"):
            shown.pop(key, None)
        for key in ("closed_at", "refunded_at"):
            if key in shown:
                shown[key] = shown[key].isoformat()
        return shown

    shown = {
        "receipts": [plain(d) for d in result.booked if isinstance(d, Receipt)],
        "refunds": [plain(d) for d in result.booked if isinstance(d, Refund)],
        "left_out": list(result.left_out),
    }
    return json.loads(json.dumps(shown))  # tuples as the file's arrays


def without_notes(value: Any) -> Any:
    """The golden file without its `_why`/`_about` notes."""
    if isinstance(value, dict):
        return {k: without_notes(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [without_notes(v) for v in value]
    return value


def test_the_sample_order_books_as_its_golden_file() -> None:
    order = json.loads((SAMPLES / "clover_order.json").read_text())
    golden = json.loads((SAMPLES / "clover_order.expected.json").read_text())
    assert as_golden(normalized(order)) == without_notes(golden)


def test_an_order_discount_is_shared_by_what_each_line_was_charged() -> None:
    lines = [
        make_line("L1", "Margarita", 1200, item_id="MARG"),
        make_line("L2", "IPA", 800, item_id="IPA"),
        make_line(
            "L3",
            "Shot",
            500,
            item_id="SHOT",
            discounts=[make_discount("C", "Comp", percentage=100)],
        ),
    ]
    order = make_order("O1", lines=lines, discounts=[make_discount("D", "10% off", percentage=10)])
    # 1200 + 800 + 0 = 2000; 10% = 200 shared 120 / 80 / 0.
    assert nets(order) == [1080, 720, 0]


def test_a_fixed_order_discount_leaves_no_cent_behind() -> None:
    lines = [make_line(f"L{i}", name, 1000, item_id=name) for i, name in enumerate("ABC")]
    order = make_order("O1", lines=lines, discounts=[make_discount("D", "$1 off", amount=100)])
    # 100 over three equal lines: 33 each and the first of the tied remainders takes the last cent.
    assert nets(order) == [966, 967, 967]


def test_line_discounts_take_percentages_first_then_amounts() -> None:
    line = make_line(
        "L1",
        "Old Fashioned",
        1000,
        item_id="OF",
        modifications=[make_modification("M1", "Double", 200, "DBL")],
        discounts=[
            make_discount("D1", "$1 off", amount=100),
            make_discount("D2", "25%", percentage=25),
        ],
    )
    # (1000 + 200) = 1200, less 25% (300), less $1 (100).
    assert nets(make_order("O1", lines=[line])) == [800]


def test_fractions_of_a_cent_round_half_up_as_clover_rounds() -> None:
    line = make_line("L1", "Soda", 85, discounts=[make_discount("D", "10%", percentage=10)])
    # 10% of 85 is 8.5, rounded up to 9.
    assert nets(make_order("O1", lines=[line])) == [76]


def test_discounts_never_take_a_line_below_zero() -> None:
    line = make_line("L1", "Soda", 300, discounts=[make_discount("D", "$5 off", amount=500)])
    assert nets(make_order("O1", lines=[line])) == [0]


def test_a_vat_order_books_its_lines_without_the_tax_they_hold() -> None:
    rate = {"id": "VAT20", "name": "VAT", "rate": 2_000_000, "taxType": "VAT_TAXABLE"}
    exempt = {"id": "VAT0", "name": "Exempt", "rate": 500_000, "taxType": "VAT_EXEMPT"}
    lines = [
        make_line("L1", "Gin", 1200, item_id="GIN", tax_rates=[rate, exempt]),
        make_line("L2", "Tonic", 301, item_id="TONIC", tax_rates=[rate]),
    ]
    order = make_order("O1", lines=lines, isVat=True)
    # 1200 / 1.2 = 1000 (the exempt rate counts for nothing); 301 / 1.2 = 250.83 -> 251.
    assert nets(order) == [1000, 251]


def test_a_per_unit_line_is_its_unit_quantity_and_its_modifier_counts_once() -> None:
    line = make_line(
        "L1",
        "Draft Cider (per oz)",
        45,
        item_id="CIDER",
        unit_qty=16_000,
        modifications=[make_modification("M1", "Splash", 50, "SPLASH")],
    )
    (receipt_line,) = receipt_of(make_order("O1", lines=[line])).lines
    # 16 oz at 45 cents = 720, plus the 50-cent splash.
    assert (receipt_line.quantity, receipt_line.net_amount) == (16_000, 770)
    # Once for the line: 1/16 of it per ounce, 62.5 milli rounded up.
    assert receipt_line.modifiers == (ModifierLine(ModifierId("SPLASH"), "Splash", 63),)


def test_a_custom_amount_is_keyed_by_its_name() -> None:
    lines = [make_line("L1", "Happy Hour Special ", 700), {"id": "L2", "price": 300}]
    receipt = receipt_of(make_order("O1", lines=lines))
    assert [(line.pos_item_id, line.name) for line in receipt.lines] == [
        (PosItemId("happy hour special"), "Happy Hour Special"),
        (PosItemId("custom amount"), "Custom amount"),
    ]


def test_modifiers_without_a_catalog_modifier_are_keyed_by_name() -> None:
    line = make_line("L1", "Mule", 1100, modifications=[make_modification("M1", "No Ice", 0)])
    (receipt_line,) = receipt_of(make_order("O1", lines=[line])).lines
    assert receipt_line.modifiers == (ModifierLine(ModifierId("no ice"), "No Ice", 1000),)


def test_the_receipt_closes_when_the_last_payment_was_taken_and_keeps_that_time() -> None:
    lines = [make_line("L1", "Beer", 600)]
    paid = make_order("O1", lines=lines, paid_at=1_795_312_800_000, modified=1_795_312_800_400)
    later = make_order("O1", lines=lines, paid_at=1_795_312_800_000, modified=1_795_400_000_000)
    first, second = receipt_of(paid), receipt_of(later)
    assert first.closed_at.isoformat() == "2026-11-22T02:00:00+00:00"
    assert (first.lines, first.closed_at) == (second.lines, second.closed_at)
    assert (first.version, second.version) == (1_795_312_800_400, 1_795_400_000_000)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"payment_state": "OPEN"}, "OPEN, not PAID"),
        ({"payment_state": "PARTIALLY_PAID"}, "PARTIALLY_PAID, not PAID"),
        ({"payment_state": None}, "not paid"),
        ({"testMode": True}, "test-mode"),
        ({"lines": []}, "books nothing"),
    ],
)
def test_orders_that_book_nothing_are_skipped_with_the_reason(
    changes: dict[str, Any], reason: str
) -> None:
    order = make_order("O1", **{"lines": [make_line("L1", "Beer", 600)], **changes})
    result = normalize_order(order)
    assert isinstance(result, Skip) and reason in result.reason


def test_order_fees_and_odd_lines_are_left_out_and_named() -> None:
    lines = [
        make_line("L1", "Beer", 600, item_id="BEER"),
        {**make_line("L2", "Service fee", 200), "isOrderFee": True},
        make_line("L3", "Return", -600),
        make_line("L4", "Cider", 50, unit_qty=0),
    ]
    result = normalized(make_order("O1", lines=lines))
    assert [line.name for line in result.booked[0].lines] == ["Beer"]  # type: ignore[union-attr]
    assert result.left_out == (
        "order fee line L2 (Service fee)",
        "line L3 (Return) without a price of 0 or more",
        "line L4 (Cider) with quantity 0",
    )


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        (lambda o: o["lineItems"]["elements"].append(dict(o["lineItems"]["elements"][0])), "twice"),
        (lambda o: o["lineItems"]["elements"][0].update(id="has space"), "Clover id"),
        (lambda o: o["lineItems"]["elements"][0].update(price=10**11), "outside"),
        (lambda o: o["lineItems"]["elements"][0].update(price="6.00"), "integer"),
        (lambda o: o["lineItems"]["elements"][0].update(name="x" * 256), "longer than 255"),
        (lambda o: o.update(currency="usd"), "ISO 4217"),
        (lambda o: o.update(modifiedTime=12), "outside"),
        (lambda o: o["lineItems"].update(elements=[o["lineItems"]["elements"][0]] * 1001), "1000"),
        (lambda o: o.update(discounts={"elements": [{"id": "D", "percentage": 150}]}), "outside"),
        (lambda o: o.update(discounts={"elements": [{"id": "D", "name": "?"}]}), "neither"),
        (lambda o: o.update(lineItems=[]), "must be a JSON object"),
    ],
)
def test_payloads_out_of_shape_or_bounds_are_refused_with_the_reason(
    breakage: Any, message: str
) -> None:
    order = make_order("O1", lines=[make_line("L1", "Beer", 600, item_id="BEER")])
    breakage(order)
    with pytest.raises(BadPayload, match=message):
        normalize_order(order)
