"""Shopify orders and refunds -> receipts and refunds: the spec's samples against golden files
written by hand, then hand-made orders for each rule (money exactness, tax, discounts, modifiers,
bounds)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from engine.receipt import Receipt, Refund
from integrations.errors import BadPayload
from integrations.provider import Skip
from integrations.shopify.modifiers import modifier_names
from integrations.shopify.normalize import Normalized, normalize_order
from integrations.shopify.refunds import normalize_refund
from tests.integrations.fakes.shopify_orders import (
    make_line,
    make_order,
    make_refund,
    money_set,
)

SAMPLES = Path(__file__).resolve().parent / "samples"


def sample(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((SAMPLES / name).read_text())
    return {k: v for k, v in body.items() if not k.startswith("_")}


def as_json(document: Receipt | Refund) -> dict[str, Any]:
    if isinstance(document, Receipt):
        return {
            "kind": "receipt",
            "provider": document.provider,
            "receipt_id": document.receipt_id,
            "version": document.version,
            "closed_at": document.closed_at.isoformat(),
            "currency": document.currency,
            "lines": [
                {
                    "line_id": line.line_id,
                    "pos_item_id": line.pos_item_id,
                    "name": line.name,
                    "quantity": line.quantity,
                    "net_amount": line.net_amount,
                    "modifiers": [[m.modifier_id, m.name, m.quantity] for m in line.modifiers],
                }
                for line in document.lines
            ],
        }
    return {
        "kind": "refund",
        "provider": document.provider,
        "refund_id": document.refund_id,
        "refund_of": document.refund_of,
        "refunded_at": document.refunded_at.isoformat(),
        "currency": document.currency,
        "lines": [[line.line_id, line.quantity, line.amount] for line in document.lines],
    }


def normalized(order: dict[str, Any], **kwargs: Any) -> Normalized:
    result = normalize_order(order, **kwargs)
    assert isinstance(result, Normalized), result
    return result


def receipt_of(order: dict[str, Any], **kwargs: Any) -> Receipt:
    [receipt] = [d for d in normalized(order, **kwargs).booked if isinstance(d, Receipt)]
    return receipt


def test_the_paid_sample_matches_its_golden_file() -> None:
    golden = json.loads((SAMPLES / "shopify_orders_paid.golden.json").read_text())
    result = normalized(sample("shopify_orders_paid.json"))
    assert result.order_id == golden["order_id"]
    assert result.location_id == golden["location_id"]
    assert [as_json(d) for d in result.booked] == golden["booked"]


def test_the_refund_sample_matches_its_golden_file() -> None:
    golden = json.loads((SAMPLES / "shopify_refunds_create.golden.json").read_text())
    del golden["_about"]
    refund = normalize_refund(sample("shopify_refunds_create.json"), "USD", taxes_included=False)
    assert refund is not None
    assert as_json(refund) == golden


def test_a_refund_on_the_order_and_delivered_alone_books_once() -> None:
    order = sample("shopify_orders_paid.json")
    refund = sample("shopify_refunds_create.json")
    listed = normalized({**order, "refunds": [refund]}, extra_refunds=[refund]).booked
    assert [type(d).__name__ for d in listed] == ["Receipt", "Refund"]
    delivered_only = normalized(order, extra_refunds=[refund]).booked
    assert as_json(delivered_only[1]) == as_json(listed[1])


@pytest.mark.parametrize("status", ["pending", "authorized", "partially_paid", "voided", None])
def test_only_a_paid_order_books(status: str | None) -> None:
    order = {**sample("shopify_orders_paid.json"), "financial_status": status}
    result = normalize_order(order)
    assert isinstance(result, Skip)
    assert "not paid" in result.reason


@pytest.mark.parametrize("status", ["paid", "partially_refunded", "refunded"])
def test_paid_then_refunded_orders_still_book_their_sale(status: str) -> None:
    order = {**sample("shopify_orders_paid.json"), "financial_status": status}
    assert len(receipt_of(order).lines) == 3


def test_money_converts_exactly_in_the_shops_currency() -> None:
    yen = make_order(1, [make_line(11, "Sake", "1200.00", currency="JPY")], currency="JPY")
    assert receipt_of(yen).lines[0].net_amount == 1200
    fils = make_line(11, "Arak", "3.125", currency="KWD", quantity=2)
    assert receipt_of(make_order(2, [fils], currency="KWD")).lines[0].net_amount == 6250
    for currency, price in (("USD", "12.505"), ("JPY", "1200.50")):
        bad = make_order(3, [make_line(11, "X", price, currency=currency)], currency=currency)
        with pytest.raises(BadPayload, match="more decimals"):
            normalize_order(bad)


@pytest.mark.parametrize(
    "price", ["-1.00", "1e3", "12,50", " 12.50", "", "1234567890123.00", True, None, [1]]
)
def test_malformed_money_is_refused(price: object) -> None:
    line = make_line(11, "X", "1.00")
    line["price_set"]["shop_money"]["amount"] = price
    with pytest.raises(BadPayload, match=r"line_items\[0\]\.price_set"):
        normalize_order(make_order(1, [line]))


def test_shop_money_in_another_currency_is_refused() -> None:
    line = make_line(11, "X", "1.00")
    line["price_set"] = money_set("1.00", "EUR")
    with pytest.raises(BadPayload, match="in EUR, the shop counts in USD"):
        normalize_order(make_order(1, [line]))


def test_plain_price_is_used_without_a_money_bag() -> None:
    line = make_line(11, "X", "4.25", quantity=2)
    del line["price_set"]
    assert receipt_of(make_order(1, [line])).lines[0].net_amount == 850


def test_included_tax_is_taken_out_and_excluded_tax_never_counted() -> None:
    vat = make_line(11, "Pint", "6.00", quantity=2, discounts=("1.20",), tax="1.80")
    # 12.00 - 1.20 discount = 10.80 with 20% VAT inside: 1.80 tax, 9.00 net.
    assert receipt_of(make_order(1, [vat], taxes_included=True)).lines[0].net_amount == 900
    assert receipt_of(make_order(1, [vat], taxes_included=False)).lines[0].net_amount == 1080


def test_discounts_above_the_price_are_refused() -> None:
    line = make_line(11, "X", "5.00", discounts=("3.00", "2.50"))
    with pytest.raises(BadPayload, match="above its price"):
        normalize_order(make_order(1, [line]))


def test_keys_and_names() -> None:
    lines = [
        make_line(11, "Tito's Shot", "8.00", variant_id=555),
        make_line(12, "Corkage", "5.00", variant_id=0),
        make_line(13, "Draft IPA", "8.00", variant_id=556, variant_title="Default Title"),
        make_line(14, "Draft IPA", "6.00", variant_id=557, variant_title="Half"),
    ]
    got = [(line.pos_item_id, line.name) for line in receipt_of(make_order(1, lines)).lines]
    assert got == [
        ("555", "Tito's Shot"),
        ("corkage", "Corkage"),
        ("556", "Draft IPA"),
        ("557", "Draft IPA (Half)"),
    ]


def test_gift_cards_and_empty_lines_are_left_out() -> None:
    gift = {**make_line(11, "Gift card", "25.00"), "gift_card": True}
    empty = make_line(12, "Shot", "8.00", quantity=0)
    kept = make_line(13, "Shot", "8.00")
    result = normalized(make_order(1, [gift, empty, kept]))
    assert [line.line_id for line in receipt_of(make_order(1, [gift, empty, kept])).lines] == ["13"]
    assert result.left_out == ("gift card line 11", "line 12 (Shot) with quantity 0")
    nothing = normalize_order(make_order(2, [gift]))
    assert isinstance(nothing, Skip) and "gift card line 11" in nothing.reason


def test_modifier_properties_follow_the_convention() -> None:
    line = make_line(11, "Margarita", "12.00")
    line["properties"] = [
        {"name": "Modifier", "value": "Salt rim, 2x Lime"},
        {"name": "modifier 2", "value": "salt  RIM"},
        {"name": "Modifiers", "value": "3 x Olive"},
        {"name": "_Modifier", "value": "Hidden"},
        {"name": "Table", "value": "12"},
        {"name": "Modifier", "value": " , "},
    ]
    modifiers = receipt_of(make_order(1, [line])).lines[0].modifiers
    got = [(m.modifier_id, m.name, m.quantity) for m in modifiers]
    assert got == [("salt rim", "Salt rim", 2000), ("lime", "Lime", 2000), ("olive", "Olive", 3000)]
    other = receipt_of(make_order(1, [line]), modifier_properties=modifier_names(["Table"]))
    assert [(m.modifier_id, m.quantity) for m in other.lines[0].modifiers] == [("12", 1000)]


def test_bounds_are_refused_with_their_reason() -> None:
    with pytest.raises(BadPayload, match="from 0 to 10000"):
        normalize_order(make_order(1, [make_line(11, "X", "1.00", quantity=10_001)]))
    too_many = [make_line(i, "X", "1.00") for i in range(1, 1_002)]
    with pytest.raises(BadPayload, match="at most 1000"):
        normalize_order(make_order(1, too_many))
    line = make_line(11, "X", "1.00")
    line["properties"] = [{"name": "Modifier", "value": f"M{i}"} for i in range(21)]
    with pytest.raises(BadPayload, match="more than 20 modifiers"):
        normalize_order(make_order(1, [line]))
    with pytest.raises(BadPayload, match="positive integer id"):
        normalize_order({**make_order(1, []), "id": "1"})
    with pytest.raises(BadPayload, match="ISO 4217"):
        normalize_order(make_order(1, [make_line(11, "X", "1.00")], currency="XYZ"))


def test_a_line_item_twice_is_refused() -> None:
    line = make_line(11, "X", "1.00")
    with pytest.raises(BadPayload, match="twice"):
        normalize_order(make_order(1, [line, copy.deepcopy(line)]))


def test_refund_lines_add_up_and_include_tax_only_when_prices_do() -> None:
    refund = make_refund(7, 1, [(11, 1, "9.00"), (11, 1, "9.00"), (12, 0, "0.00")])
    refund["refund_line_items"][0]["total_tax_set"] = money_set("1.50")
    plain = normalize_refund(refund, "USD", taxes_included=False)
    assert plain is not None and [(r.line_id, r.quantity, r.amount) for r in plain.lines] == [
        ("11", 2000, 1800)
    ]
    vat = normalize_refund(refund, "USD", taxes_included=True)
    assert vat is not None and vat.lines[0].amount == 1650
    assert normalize_refund(make_refund(8, 1, []), "USD", taxes_included=False) is None


def test_a_refund_of_another_order_is_refused() -> None:
    with pytest.raises(BadPayload, match="refunds order 2, not 1"):
        refund = make_refund(7, 2, [(11, 1, "1.00")])
        normalize_order(make_order(1, [make_line(11, "X", "1.00")], refunds=[refund]))
