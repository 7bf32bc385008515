"""Square orders -> receipts and refunds: the spec's sample, then hand-made orders for each rule.

Expected values are written out by hand from the order JSON, never computed by the code under test.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from engine.catalog import ModifierId, PosItemId
from engine.errors import InvalidInput
from engine.receipt import (
    ModifierLine,
    Receipt,
    ReceiptLine,
    Refund,
    RefundLine,
    validate_receipt,
    validate_refund,
)
from integrations.errors import BadPayload
from integrations.provider import Skip
from integrations.square.normalize import Normalized, normalize_order
from tests.integrations.fakes.square import make_line, make_modifier, make_order, money

SAMPLES = (
    Path(__file__).resolve().parent / "samples"
)  # copies of the Square examples in the team spec
SALE_ID = "Wk9tZbq3EwJ8vYcR4uQ1nXpLs2AZY"


def sample_order() -> dict[str, Any]:
    order: dict[str, Any] = json.loads((SAMPLES / "square_order_completed.json").read_text())[
        "order"
    ]
    return order


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
    (receipt,) = normalized(order).booked
    assert isinstance(receipt, Receipt)
    return receipt


# -- the sample ----------------------------------------------------------------------------------


def test_the_completed_order_sample() -> None:
    result = normalized(sample_order())
    assert result.order_id == SALE_ID
    assert result.location_id == "L8X7Q2Z4M1N9P"
    assert result.left_out == ()
    assert result.booked == (
        Receipt(
            provider="square",
            receipt_id=SALE_ID,
            version=6,
            closed_at=datetime(2024, 5, 24, 2, 14, 8, 811000, tzinfo=UTC),
            currency="USD",
            lines=(
                # 2 x $12 + 2 x $4 double = $32 gross, less the 10% happy hour ($3.20).
                ReceiptLine(
                    line_id="li-oldfashioned-1",
                    pos_item_id=PosItemId("VAR-OLDFASH-REG-7Q2Z"),
                    name="Old Fashioned",
                    quantity=2000,
                    net_amount=2880,
                    modifiers=(
                        ModifierLine(ModifierId("MOD-DOUBLE-SHOT-4K2"), "Make it a double", 1000),
                        ModifierLine(ModifierId("MOD-ORANGE-PEEL-9D1"), "Orange peel", 1000),
                    ),
                ),
                # Comped: a 100% discount, sold for nothing, still poured.
                ReceiptLine(
                    line_id="li-ipa-1",
                    pos_item_id=PosItemId("VAR-DRAFTIPA-PINT-2M8"),
                    name="Draft IPA (Pint)",
                    quantity=1000,
                    net_amount=0,
                ),
                # $11 + $3 top shelf; the $1.24 tax is not a sale.
                ReceiptLine(
                    line_id="li-margarita-1",
                    pos_item_id=PosItemId("VAR-MARGARITA-ROCKS-5T3"),
                    name="Margarita (Rocks)",
                    quantity=1000,
                    net_amount=1400,
                    modifiers=(
                        ModifierLine(ModifierId("MOD-TOPSHELF-TEQ-7H5"), "Top-shelf tequila", 1000),
                    ),
                ),
            ),
        ),
    )


def test_the_sample_nets_add_up_to_the_order_total_less_tax() -> None:
    order = sample_order()
    receipt = receipt_of(order)
    nets = sum(line.net_amount for line in receipt.lines)
    assert nets + order["total_tax_money"]["amount"] == order["total_money"]["amount"]


@pytest.mark.parametrize("state", ["OPEN", "DRAFT", "CANCELED"])
def test_an_order_that_is_not_completed_books_nothing(state: str) -> None:
    order = sample_order()
    order["state"] = state
    assert normalize_order(order) == Skip(f"order {SALE_ID} is {state}, not COMPLETED")


def test_the_same_order_normalises_the_same_way_twice() -> None:
    assert normalize_order(sample_order()) == normalize_order(sample_order())


# -- amounts -------------------------------------------------------------------------------------


def test_a_line_discount_and_a_share_of_an_order_discount_both_come_off() -> None:
    # $9 x 2 = $18 gross; $1.80 line discount + $0.90 share of a 5% ORDER-scope discount.
    line = make_line("l1", "Negroni", 900, "2", catalog_object_id="VAR-NEG", discount=270)
    line["applied_discounts"] = [
        {"uid": "a1", "discount_uid": "ten", "applied_money": money(180)},
        {"uid": "a2", "discount_uid": "order-5", "applied_money": money(90)},
    ]
    receipt = receipt_of(make_order("O-1", lines=[line]))
    assert receipt.lines[0].net_amount == 1530


def test_tax_tip_and_service_charges_are_not_sales() -> None:
    line = make_line("l1", "Pilsner", 700, catalog_object_id="VAR-PILS")
    line["total_tax_money"] = money(62)
    line["total_service_charge_money"] = money(140)
    line["total_money"] = money(902)
    order = make_order("O-1", lines=[line])
    order["total_tip_money"] = money(200)
    assert receipt_of(order).lines[0].net_amount == 700


def test_a_comp_of_a_line_with_modifiers_is_zero() -> None:
    double = make_modifier("m1", "Double", 400, catalog_object_id="MOD-DBL")
    line = make_line("l1", "Martini", 1300, modifiers=[double], discount=1700)
    receipt = receipt_of(make_order("O-1", lines=[line]))
    assert (receipt.lines[0].net_amount, receipt.lines[0].quantity) == (0, 1000)


def test_a_line_without_a_discount_field_keeps_its_gross() -> None:
    line = make_line("l1", "Cider", 650)
    del line["total_discount_money"]
    assert receipt_of(make_order("O-1", lines=[line])).lines[0].net_amount == 650


def test_other_currencies_come_from_the_money() -> None:
    line = make_line("l1", "Stout", 600, currency="CAD")
    receipt = receipt_of(make_order("O-1", lines=[line]))
    assert (receipt.currency, receipt.lines[0].net_amount) == ("CAD", 600)


# -- quantities ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quantity", "milli"),
    [("1", 1000), ("12", 12000), ("1.5", 1500), ("0.25", 250), ("2.0000", 2000)],
)
def test_line_quantities_are_decimal_strings(quantity: str, milli: int) -> None:
    line = make_line("l1", "House wine", 800, quantity, catalog_object_id="VAR-WINE")
    assert receipt_of(make_order("O-1", lines=[line])).lines[0].quantity == milli


@pytest.mark.parametrize("quantity", ["0.3333", "2.0005"])
def test_a_quantity_with_more_decimals_than_barback_keeps_is_refused(quantity: str) -> None:
    """Issue 11: rounding "0.3333" to 0.333 books less than was poured; the order is refused."""
    line = make_line("l1", "House wine", 800, quantity, catalog_object_id="VAR-WINE")
    with pytest.raises(InvalidInput, match=r"line_items\[0\]\.quantity has more decimals"):
        receipt_of(make_order("O-1", lines=[line]))


def test_a_measured_quantity_keeps_its_number() -> None:
    """`quantity_unit` says what the number measures; the number itself is what is sold."""
    line = make_line("l1", "Wine by the glass", 250, "6.5", catalog_object_id="VAR-POUR")
    line["quantity_unit"] = {
        "measurement_unit": {"volume_unit": "IMPERIAL_FLUID_OUNCE", "type": "TYPE_VOLUME"},
        "precision": 1,
    }
    assert receipt_of(make_order("O-1", lines=[line])).lines[0].quantity == 6500


@pytest.mark.parametrize("quantity", ["-1", "1e3", "one", "", " 1", "1,5"])
def test_a_quantity_that_is_not_a_decimal_string_is_refused(quantity: str) -> None:
    line = make_line("l1", "Beer", 600)
    line["quantity"] = quantity
    with pytest.raises(BadPayload, match=r"line_items\[0\]\.quantity"):
        normalize_order(make_order("O-1", lines=[line]))


def test_a_numeric_quantity_is_refused() -> None:
    line = make_line("l1", "Beer", 600)
    line["quantity"] = 2
    with pytest.raises(BadPayload, match="decimal string"):
        normalize_order(make_order("O-1", lines=[line]))


def test_a_line_with_quantity_zero_is_left_out() -> None:
    lines = [make_line("l1", "Beer", 600, "0"), make_line("l2", "Cola", 300)]
    result = normalized(make_order("O-1", lines=lines))
    (receipt,) = result.booked
    assert isinstance(receipt, Receipt)
    assert [line.line_id for line in receipt.lines] == ["l2"]
    assert result.left_out == ("line l1 (Beer) with quantity 0",)


# -- modifiers -----------------------------------------------------------------------------------


def test_a_modifier_quantity_is_per_unit_of_the_line() -> None:
    # 3 margaritas, each with 2 extra shots: Square charges 3 x 2 x $2 = $12 for the modifier.
    shots = make_modifier(
        "m1", "Extra shot", 200, "2", line_quantity="3", catalog_object_id="MOD-SHOT"
    )
    line = make_line("l1", "Margarita", 1100, "3", catalog_object_id="VAR-MARG", modifiers=[shots])
    receipt = receipt_of(make_order("O-1", lines=[line]))
    assert receipt.lines[0] == ReceiptLine(
        line_id="l1",
        pos_item_id=PosItemId("VAR-MARG"),
        name="Margarita",
        quantity=3000,
        net_amount=3300 + 1200,
        modifiers=(ModifierLine(ModifierId("MOD-SHOT"), "Extra shot", 2000),),
    )


def test_modifier_keys_fall_back_to_the_name_then_the_uid() -> None:
    no_ice = make_modifier("m1", "No  ICE", 0)
    no_quantity = make_modifier("m2", "Salt rim", 0, catalog_object_id="MOD-SALT")
    del no_quantity["quantity"]
    nameless = make_modifier("m3", "", 50)
    del nameless["name"]
    line = make_line("l1", "Margarita", 1100, modifiers=[no_ice, no_quantity, nameless])
    assert receipt_of(make_order("O-1", lines=[line])).lines[0].modifiers == (
        ModifierLine(ModifierId("no ice"), "No  ICE", 1000),
        ModifierLine(ModifierId("MOD-SALT"), "Salt rim", 1000),
        ModifierLine(ModifierId("m3"), "m3", 1000),
    )


def test_a_modifier_with_quantity_zero_is_left_out() -> None:
    none = make_modifier("m1", "Cheese", 100, "0", catalog_object_id="MOD-CHEESE")
    half = make_modifier("m2", "Lime", 0, "0.5", catalog_object_id="MOD-LIME")
    line = make_line("l1", "Nachos", 900, modifiers=[none, half])
    result = normalized(make_order("O-1", lines=[line]))
    receipt = result.booked[0]
    assert isinstance(receipt, Receipt)
    assert receipt.lines[0].modifiers == (ModifierLine(ModifierId("MOD-LIME"), "Lime", 500),)
    assert result.left_out == ("modifier Cheese with quantity 0",)


def test_nested_modifiers_are_flattened() -> None:
    parent = make_modifier("m1", "Spirit choice", 0, catalog_object_id="MOD-SPIRIT")
    child = make_modifier("m2", "Gin", 0, catalog_object_id="MOD-GIN")
    child["parent_modifier_uid"] = "m1"
    line = make_line("l1", "Tonic", 500, modifiers=[parent, child])
    ids = [m.modifier_id for m in receipt_of(make_order("O-1", lines=[line])).lines[0].modifiers]
    assert ids == ["MOD-SPIRIT", "MOD-GIN"]


# -- items ---------------------------------------------------------------------------------------


def test_an_ad_hoc_line_keys_on_its_casefolded_name() -> None:
    named = make_line("l1", "Shot of  the Day", 500)
    nameless = make_line("l2", "", 1000)
    nameless["item_type"] = "CUSTOM_AMOUNT"
    del nameless["name"]
    lines = receipt_of(make_order("O-1", lines=[named, nameless])).lines
    assert [(line.pos_item_id, line.name) for line in lines] == [
        ("shot of the day", "Shot of  the Day"),
        ("custom amount", "Custom amount"),
    ]


def test_a_gift_card_line_is_left_out() -> None:
    card = make_line("l1", "Gift card", 5000)
    card["item_type"] = "GIFT_CARD"
    beer = make_line("l2", "Lager", 600, catalog_object_id="VAR-LAGER")
    result = normalized(make_order("O-1", lines=[card, beer]))
    receipt = result.booked[0]
    assert isinstance(receipt, Receipt)
    assert [line.line_id for line in receipt.lines] == ["l2"]
    assert result.left_out == ("gift card line l1",)


def test_an_order_with_only_left_out_lines_is_skipped() -> None:
    order = make_order("O-1", lines=[make_line("l1", "Beer", 600, "0")])
    assert normalize_order(order) == Skip("order O-1 books nothing: line l1 (Beer) with quantity 0")


def test_an_empty_completed_order_is_skipped() -> None:
    assert normalize_order(make_order("O-1")) == Skip(
        "order O-1 books nothing: no line items and no returns"
    )


# -- times and versions --------------------------------------------------------------------------


def test_closed_at_falls_back_to_updated_at_and_version_to_one() -> None:
    order = make_order("O-1", lines=[make_line("l1", "Beer", 600)], closed_at=None)
    del order["version"]
    receipt = receipt_of(order)
    assert receipt.closed_at == datetime(2024, 5, 24, 2, 14, 8, 904000, tzinfo=UTC)
    assert receipt.version == 1


def test_an_offset_time_is_kept_aware() -> None:
    order = make_order(
        "O-1", lines=[make_line("l1", "Beer", 600)], closed_at="2024-05-23T22:14:08-04:00"
    )
    assert receipt_of(order).closed_at == datetime(2024, 5, 24, 2, 14, 8, tzinfo=UTC)


# -- returns -------------------------------------------------------------------------------------


def return_line(
    uid: str, source_uid: str | None, quantity: str, gross: int, discount: int = 0
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "uid": uid,
        "name": "Old Fashioned",
        "variation_name": "Regular",
        "catalog_object_id": "VAR-OLDFASH-REG-7Q2Z",
        "item_type": "ITEM",
        "quantity": quantity,
        "base_price_money": money(1200),
        "gross_return_money": money(gross),
        "total_discount_money": money(discount),
        "total_tax_money": money(0),
        "total_money": money(gross - discount),
    }
    if source_uid is not None:
        item["source_line_item_uid"] = source_uid
    return item


def a_return(source: str | None, *items: dict[str, Any], uid: str = "ret-1") -> dict[str, Any]:
    returned: dict[str, Any] = {"uid": uid, "return_line_items": list(items)}
    if source is not None:
        returned["source_order_id"] = source
    return returned


RETURNED_AT = "2024-05-25T10:00:00.000Z"


def test_a_return_order_is_a_refund_of_the_sale() -> None:
    # One of the sample's two old fashioneds comes back: $16 gross less its $1.60 discount.
    order = make_order(
        "RET-1",
        returns=[a_return(SALE_ID, return_line("r1", "li-oldfashioned-1", "1", 1600, 160))],
        closed_at=RETURNED_AT,
    )
    result = normalized(order)
    assert result.booked == (
        Refund(
            provider="square",
            refund_id="RET-1",
            refund_of=SALE_ID,
            refunded_at=datetime(2024, 5, 25, 10, 0, tzinfo=UTC),
            currency="USD",
            lines=(RefundLine("li-oldfashioned-1", 1000, 1440),),
        ),
    )
    refund = result.booked[0]
    assert isinstance(refund, Refund)
    assert refund.sale_key(refund.lines[0]) == f"square:{SALE_ID}:li-oldfashioned-1"


def test_return_lines_of_the_same_sale_line_are_summed() -> None:
    order = make_order(
        "RET-1",
        returns=[
            a_return(
                SALE_ID,
                return_line("r1", "li-oldfashioned-1", "1", 1600, 160),
                return_line("r2", "li-oldfashioned-1", "0.5", 800, 80),
                return_line("r3", "li-ipa-1", "1", 800, 800),
            )
        ],
    )
    (refund,) = normalized(order).booked
    assert isinstance(refund, Refund)
    assert refund.lines == (
        RefundLine("li-oldfashioned-1", 1500, 2160),
        RefundLine("li-ipa-1", 1000, 0),
    )


def test_returns_from_two_sales_are_two_refunds_with_distinct_ids() -> None:
    order = make_order(
        "RET-2",
        returns=[
            a_return("SALE-A", return_line("r1", "l1", "1", 500), uid="ra"),
            a_return("SALE-B", return_line("r2", "l1", "2", 1000), uid="rb"),
        ],
    )
    refunds = normalized(order).booked
    assert [(r.refund_id, r.refund_of) for r in refunds if isinstance(r, Refund)] == [
        ("RET-2:SALE-A", "SALE-A"),
        ("RET-2:SALE-B", "SALE-B"),
    ]


def test_unlinked_returns_and_lines_are_left_out() -> None:
    order = make_order(
        "RET-3",
        returns=[
            a_return(None, return_line("r1", "l1", "1", 500), uid="walk-in"),
            a_return(
                SALE_ID, return_line("r2", None, "1", 500), return_line("r3", "li-ipa-1", "1", 800)
            ),
        ],
    )
    result = normalized(order)
    (refund,) = result.booked
    assert isinstance(refund, Refund)
    assert refund.lines == (RefundLine("li-ipa-1", 1000, 800),)
    assert result.left_out == ("unlinked return walk-in", "return line r2")


def test_a_return_order_with_nothing_linked_is_skipped() -> None:
    order = make_order("RET-4", returns=[a_return(None, return_line("r1", "l1", "1", 500))])
    result = normalize_order(order)
    assert result == Skip("order RET-4 books nothing: unlinked return ret-1")


def test_an_exchange_is_a_sale_and_a_refund() -> None:
    order = make_order(
        "EXC-1",
        lines=[make_line("n1", "Margarita", 1100, catalog_object_id="VAR-MARG")],
        returns=[a_return(SALE_ID, return_line("r1", "li-ipa-1", "1", 800))],
    )
    receipt, refund = normalized(order).booked
    assert isinstance(receipt, Receipt) and isinstance(refund, Refund)
    assert (receipt.receipt_id, [line.line_id for line in receipt.lines]) == ("EXC-1", ["n1"])
    assert (refund.refund_id, refund.refund_of) == ("EXC-1", SALE_ID)


# -- refused -------------------------------------------------------------------------------------


def broken(change: str) -> dict[str, Any]:
    order = sample_order()
    line = order["line_items"][0]
    if change == "negative":
        line["total_discount_money"] = money(4000)
    elif change == "mixed currency":
        line["total_discount_money"] = money(320, "CAD")
    elif change == "mixed lines":
        order["line_items"][1]["gross_sales_money"] = money(800, "CAD")
        order["line_items"][1]["total_discount_money"] = money(800, "CAD")
    elif change == "duplicate uid":
        order["line_items"][1]["uid"] = line["uid"]
    elif change == "no uid":
        del line["uid"]
    elif change == "no gross":
        del line["gross_sales_money"]
    elif change == "bad currency":
        line["gross_sales_money"] = {"amount": 3200, "currency": "usd"}
    elif change == "float amount":
        line["gross_sales_money"] = {"amount": 32.0, "currency": "USD"}
    elif change == "no closed or updated":
        del order["closed_at"], order["updated_at"]
    elif change == "lines not a list":
        order["line_items"] = {"uid": "x"}
    return order


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ("negative", "discounts .4000. above its sales .3200."),
        ("mixed currency", "mixes USD and CAD"),
        ("mixed lines", "mixes currencies: CAD, USD"),
        ("duplicate uid", "line uid 'li-oldfashioned-1' twice"),
        ("no uid", r"line_items\[0\]\.uid is missing"),
        ("no gross", r"line_items\[0\]\.gross_sales_money is missing"),
        ("bad currency", "must be an ISO 4217 code"),
        ("float amount", "amount must be an integer"),
        ("no closed or updated", "updated_at is missing"),
        ("lines not a list", "line_items must be an array"),
    ],
)
def test_an_order_the_engine_would_refuse_is_bad_payload(change: str, problem: str) -> None:
    with pytest.raises(BadPayload, match=problem):
        normalize_order(broken(change))


def test_an_order_without_an_id_or_state_is_bad_payload() -> None:
    order = sample_order()
    del order["id"]
    with pytest.raises(BadPayload, match=r"order\.id is missing"):
        normalize_order(order)
    order = sample_order()
    del order["state"]
    with pytest.raises(BadPayload, match="state is missing"):
        normalize_order(order)


def test_normalising_does_not_change_the_order() -> None:
    order = sample_order()
    before = copy.deepcopy(order)
    normalize_order(order)
    assert order == before
