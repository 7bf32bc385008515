"""Clover's one-line-item-per-unit orders booked as the receipt reads: identical items rung together
are one line of their number, with an id that every later snapshot of the order keeps."""

from __future__ import annotations

from typing import Any

from engine.receipt import Receipt, Refund, RefundLine
from integrations.clover.normalize import Normalized, normalize_order
from tests.integrations.fakes.clover_orders import (
    PAID_AT,
    make_discount,
    make_line,
    make_modification,
    make_order,
    make_refund,
)

RUNG = PAID_AT - 600_000


def margarita(
    line_id: str, at: int = RUNG, *, discounts: list[Any] | None = None, **kw: Any
) -> dict[str, Any]:
    line = make_line(line_id, "Margarita", 1200, item_id="MARG", **kw)
    if discounts is not None:
        line["discounts"] = {"elements": discounts}
    return {**line, "createdTime": at}


def booked(order: dict[str, Any]) -> tuple[Receipt, list[Refund]]:
    result = normalize_order(order)
    assert isinstance(result, Normalized), result
    receipt, *refunds = result.booked
    assert isinstance(receipt, Receipt)
    return receipt, [r for r in refunds if isinstance(r, Refund)]


def shape(receipt: Receipt) -> list[tuple[str, int, int]]:
    return [(line.name, line.quantity, line.net_amount) for line in receipt.lines]


def test_identical_items_rung_together_are_one_line_of_their_number() -> None:
    double = make_modification("M", "Double", 600, "DBL")
    lines = [
        margarita("L1"),
        margarita("L2", RUNG + 5_000),
        margarita("L3", RUNG + 9_000, modifications=[double]),
        margarita("L4", RUNG + 9_000, discounts=[make_discount("C", "Comp", percentage=100)]),
        margarita("L5", RUNG + 12_000),
    ]
    receipt, _ = booked(make_order("O1", lines=lines))
    assert shape(receipt) == [
        ("Margarita", 3000, 3600),  # L1, L2, L5
        ("Margarita", 1000, 1800),  # with a Double
        ("Margarita", 1000, 0),  # comped
    ]
    assert len({line.line_id for line in receipt.lines}) == 3


def test_a_later_round_is_a_line_of_its_own() -> None:
    lines = [margarita("L1"), margarita("L2"), margarita("L3", RUNG + 61_000)]
    receipt, _ = booked(make_order("O1", lines=lines))
    assert shape(receipt) == [("Margarita", 2000, 2400), ("Margarita", 1000, 1200)]


def test_the_line_ids_outlive_refunds_and_new_rounds() -> None:
    first, _ = booked(make_order("O1", lines=[margarita("L1"), margarita("L2")]))
    refund = make_refund("R1", "O1", 1200, created=PAID_AT + 60_000, line_ids=["L2"])
    later = [margarita("L1"), margarita("L2"), margarita("L3", PAID_AT + 120_000)]
    second, _ = booked(
        make_order("O1", lines=later, payment_state="PARTIALLY_REFUNDED", refunds=[refund])
    )
    assert second.lines[0].line_id == first.lines[0].line_id
    assert second.lines[1].line_id != first.lines[0].line_id


def test_refunds_of_some_of_a_round_are_that_share_of_its_line() -> None:
    lines = [margarita("L1"), margarita("L2"), margarita("L3")]
    one = make_refund("R1", "O1", 1200, created=PAID_AT + 60_000, line_ids=["L3"])
    two = make_refund("R2", "O1", 2400, created=PAID_AT + 120_000, line_ids=["L1", "L2"])
    order = make_order("O1", lines=lines, payment_state="REFUNDED", refunds=[one, two])
    receipt, refunds = booked(order)
    (line,) = receipt.lines
    assert [(r.refund_id, r.lines) for r in refunds] == [
        ("R1", (RefundLine(line.line_id, 1000, 1200),)),
        ("R2", (RefundLine(line.line_id, 2000, 2400),)),
    ]


def test_one_discount_given_as_a_percentage_and_as_an_amount_on_one_line() -> None:
    both = [
        {"id": "D1", "name": "Deal", "discount": {"id": "DEAL"}, "percentage": 10},
        {"id": "D2", "name": "Deal", "discount": {"id": "DEAL"}, "amount": -100},
    ]
    lines = [margarita("L1", discounts=both), margarita("L2", discounts=both)]
    receipt, _ = booked(make_order("O1", lines=lines))
    # 1200 less 10% (120) less $1: 980 each, one line of two.
    assert shape(receipt) == [("Margarita", 2000, 1960)]
