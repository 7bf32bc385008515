"""Clover refunds and voided payments -> the engine's refunds of the sale.

Expected values are worked out by hand in the comments, never computed by the code under test.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from engine.receipt import Receipt, Refund, RefundLine
from integrations.clover.normalize import Normalized, normalize_order
from tests.integrations.fakes.clover_orders import (
    PAID_AT,
    make_line,
    make_order,
    make_payment,
    make_refund,
)

LATER = PAID_AT + 3_600_000  # an hour after the sale: 2026-11-22T03:00:00Z
AT_LATER = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def lines() -> list[dict[str, Any]]:
    return [
        make_line("L1", "Margarita", 1200, item_id="MARG"),
        make_line("L2", "IPA", 800, item_id="IPA"),
        make_line("L3", "Shot", 500, item_id="SHOT"),
    ]


def documents(order: dict[str, Any]) -> Normalized:
    result = normalize_order(order)
    assert isinstance(result, Normalized), result
    return result


def refunds_of(order: dict[str, Any]) -> list[Refund]:
    """The refunds, each line named by the line item of the order it refunds (`L1`...)."""
    result = documents(order)
    receipt = result.booked[0]
    assert isinstance(receipt, Receipt)
    named = {line.line_id: f"L{i}" for i, line in enumerate(receipt.lines, start=1)}
    return [
        replace(d, lines=tuple(replace(line, line_id=named[line.line_id]) for line in d.lines))
        for d in result.booked
        if isinstance(d, Refund)
    ]


def test_a_refund_of_named_line_items_refunds_them_whole() -> None:
    refund = make_refund("R1", "O1", 871, created=LATER, line_ids=["L2"], tax=71)
    order = make_order("O1", lines=lines(), payment_state="PARTIALLY_REFUNDED", refunds=[refund])
    result = documents(order)
    assert isinstance(result.booked[0], Receipt) and len(result.booked[0].lines) == 3
    assert refunds_of(order) == [
        Refund("clover", "R1", "O1", AT_LATER, "USD", (RefundLine("L2", 1000, 800),))
    ]


def test_a_line_item_pointing_at_its_refund_is_refunded_by_it() -> None:
    items = lines()
    items[0] = make_line("L1", "Margarita", 1200, item_id="MARG", refund_id="R1")
    refund = make_refund("R1", "O1", 1200, created=LATER)
    order = make_order("O1", lines=items, payment_state="PARTIALLY_REFUNDED", refunds=[refund])
    assert refunds_of(order) == [
        Refund("clover", "R1", "O1", AT_LATER, "USD", (RefundLine("L1", 1000, 1200),))
    ]


def test_a_refund_of_the_whole_amount_refunds_every_line() -> None:
    # 2500 of lines and 222 of tax, refunded in full with no line items named.
    refund = make_refund("R1", "O1", 2722, created=LATER, tax=222)
    order = make_order("O1", lines=lines(), payment_state="REFUNDED", refunds=[refund])
    assert refunds_of(order) == [
        Refund(
            "clover",
            "R1",
            "O1",
            AT_LATER,
            "USD",
            (
                RefundLine("L1", 1000, 1200),
                RefundLine("L2", 1000, 800),
                RefundLine("L3", 1000, 500),
            ),
        )
    ]


def test_a_partial_amount_is_shared_by_the_lines_with_their_quantities() -> None:
    refund = make_refund("R1", "O1", 545, created=LATER, tax=45)
    order = make_order("O1", lines=lines(), payment_state="PARTIALLY_REFUNDED", refunds=[refund])
    # 500 of 2500 before tax: a fifth of each line, 240 / 160 / 100, and a fifth of each unit.
    assert refunds_of(order)[0].lines == (
        RefundLine("L1", 200, 240),
        RefundLine("L2", 200, 160),
        RefundLine("L3", 200, 100),
    )


def test_a_line_is_refunded_once_whatever_later_refunds_say() -> None:
    first = make_refund("R1", "O1", 800, created=LATER, line_ids=["L2"])
    second = make_refund("R2", "O1", 800, created=LATER + 60_000, line_ids=["L2", "L9"])
    rest = make_refund("R3", "O1", 1700, created=LATER + 120_000)
    order = make_order("O1", lines=lines(), payment_state="REFUNDED", refunds=[rest, second, first])
    result = documents(order)
    refunds = refunds_of(order)
    # In the order Clover made them: R1 takes L2; R2 names only L2 again and an unknown line;
    # R3, an amount covering what is left, takes L1 and L3.
    assert [(r.refund_id, [line.line_id for line in r.lines]) for r in refunds] == [
        ("R1", ["L2"]),
        ("R3", ["L1", "L3"]),
    ]
    assert result.left_out == (
        "refund R2 of line L2, refunded already",
        "refund R2 of line L9, not a line booked",
        "refund R2: nothing left to refund",
    )


def test_a_payment_voided_after_it_was_taken_is_a_refund_of_the_sale() -> None:
    voided = make_payment("PAY1", "O1", 2722, result="VOIDED", modified=LATER)
    order = make_order("O1", lines=lines(), payment_state="OPEN", payments=[voided])
    receipt, _ = documents(order).booked
    (refund,) = refunds_of(order)
    # The sale happened when the payment was taken; the void came an hour later.
    assert isinstance(receipt, Receipt) and receipt.closed_at == datetime(
        2026, 11, 22, 2, 0, tzinfo=UTC
    )
    assert refund == Refund(
        "clover",
        "void-PAY1",
        "O1",
        AT_LATER,
        "USD",
        (RefundLine("L1", 1000, 1200), RefundLine("L2", 1000, 800), RefundLine("L3", 1000, 500)),
    )


def test_an_order_paid_again_after_a_void_is_a_sale_closed_by_the_new_payment() -> None:
    payments = [
        make_payment("PAY1", "O1", 2722, result="VOIDED", modified=PAID_AT + 1000),
        make_payment("PAY2", "O1", 2722, created=LATER),
    ]
    order = make_order("O1", lines=lines(), payment_state="PAID", payments=payments)
    (receipt,) = documents(order).booked
    assert isinstance(receipt, Receipt) and receipt.closed_at == AT_LATER


def test_credits_are_manual_refunds_left_out_with_a_name() -> None:
    credit = {"id": "CR1", "amount": 500, "createdTime": LATER}
    order = make_order("O1", lines=lines(), credits=[credit])
    assert documents(order).left_out == ("manual refund (credit) CR1",)


def test_a_refund_of_nothing_books_nothing() -> None:
    refund = make_refund("R1", "O1", 0, created=LATER)
    order = make_order("O1", lines=lines(), payment_state="PARTIALLY_REFUNDED", refunds=[refund])
    result = documents(order)
    assert refunds_of(order) == [] and result.left_out == ("refund R1: nothing left to refund",)
