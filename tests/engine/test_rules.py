"""One test (or a few) per rule of engine.md, named after the rule. Figures worked in comments;
the shared ones (ounces, costs per µl) are in `builders`."""

from __future__ import annotations

import ast
import sys
from dataclasses import replace
from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pytest

import engine
from engine.catalog import Add, PosItemId, ProductCost, Recipe, RecipeItem
from engine.catalog_view import catalog_at
from engine.depletion import UnmappedKind, book
from engine.errors import InvalidInput
from engine.inventory import (
    Count,
    Depletion,
    LedgerEntry,
    Receiving,
    Waste,
    latest_variance,
    on_hand,
    variance,
)
from engine.line_books import LineBooks
from engine.money import Cost, Money, percent_number, pour_cost_pct
from engine.movements import Movement
from engine.quantity import Quantity
from engine.receipt import ReceiptState, Refund, RefundLine
from engine.refunds import book_refund
from engine.revisions import deliver
from tests.engine.builders import (
    BOTTLE,
    COINTREAU,
    COSTS,
    GRAND_MARNIER,
    HALF_OZ,
    LIME,
    MILAGRO,
    PATRON,
    RECIPES,
    RESTOCKING,
    RULES,
    SHOT,
    T0,
    TITOS,
    VENUE,
    V,
    catalog,
    line,
    receipt,
    rule,
    usd,
)

HOUR = timedelta(hours=1)


# Rule 1: closed and paid only ------------------------------------------------------------------


@pytest.mark.parametrize("state", [ReceiptState.OPEN, ReceiptState.VOIDED, ReceiptState.CANCELLED])
def test_rule_01_open_voided_cancelled_do_nothing(state: ReceiptState) -> None:
    booking = book(receipt("r1", state=state), catalog(), set(), venue=VENUE)
    assert booking.lines == () and booking.unmapped == () and booking.movements == ()


def test_rule_01_a_paid_receipt_depletes_once_even_when_updated_again() -> None:
    first = book(receipt("r1", version=1), catalog(), set(), venue=VENUE)
    assert first.movements == (Movement(TITOS, SHOT, Cost(133_080_000, "USD")),)
    again = book(receipt("r1", version=2), catalog(), first.processed_keys, venue=VENUE)
    assert again.lines == () and again.skipped == ("square:r1:l1",)


# Rule 2: mapped items only ---------------------------------------------------------------------


def test_rule_02_unmapped_lines_are_tallied_without_price() -> None:
    r = receipt("r1", line("l1"), line("l2", "sq-espresso-martini", 1000, 1400, name="Espresso M"))
    booking = book(r, catalog(), set(), venue=VENUE)
    assert [b.source_key for b in booking.lines] == ["square:r1:l1"]
    assert booking.net_sales == usd(800)  # the espresso martini's $14.00 is not a sale
    (seen,) = booking.unmapped
    assert (seen.kind, seen.external_id, seen.name) == (
        UnmappedKind.ITEM,
        "sq-espresso-martini",
        "Espresso M",
    )
    assert seen.seen_at == T0 and seen.source_key == "square:r1:l2"
    assert not any("amount" in field or "price" in field for field in seen.__slots__)
    assert booking.processed_keys == {"square:r1:l1", "square:r1:l2"}


def test_rule_02_modifiers_without_rules_change_nothing_and_are_tallied() -> None:
    r = receipt("r1", line("l1", "sq-titos-shot", 1000, 800, ("m-lemon-twist", 1000)))
    booking = book(r, catalog(), set(), venue=VENUE)
    assert booking.movements == (Movement(TITOS, SHOT, Cost(133_080_000, "USD")),)
    assert [(u.kind, u.external_id) for u in booking.unmapped] == [
        (UnmappedKind.MODIFIER, "m-lemon-twist")
    ]
    assert booking.lines[0].modifiers[0].kind == "unmapped"


# Rule 3: read-only -------------------------------------------------------------------------------


def test_rule_03_the_engine_imports_only_the_standard_library_and_babel() -> None:
    # babel is CLDR's data and formatting, pure like zoneinfo: money is shown the venue's way
    # (engine/money_text.py) in the very strings the engine writes (audit values, alerts).
    allowed = set(sys.stdlib_module_names) | {"babel", "engine"}
    for path in Path(engine.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            for name in names:
                assert name.split(".")[0] in allowed, f"{path} imports {name}"


def test_rule_03_booking_changes_none_of_its_inputs() -> None:
    r, cat, booked = receipt("r1"), catalog(), frozenset({"square:r0:l1"})
    before = (r, dict(cat.recipes), dict(cat.rules), dict(cat.costs), set(booked))
    book(r, cat, booked, venue=VENUE)
    assert (r, dict(cat.recipes), dict(cat.rules), dict(cat.costs), set(booked)) == before


# Rule 4: the price comes from the receipt --------------------------------------------------------


def test_rule_04_sales_amount_is_the_receipt_net_amount_and_comps_still_deplete() -> None:
    # a $12.00 margarita after a $1.50 discount: the receipt says 1050; a comped shot: 0
    r = receipt("r1", line("l1", "sq-margarita", 1000, 1050), line("l2", "sq-titos-shot", 1000, 0))
    booking = book(r, catalog(), set(), venue=VENUE)
    assert [b.net_amount for b in booking.lines] == [usd(1050), usd(0)]
    assert booking.net_sales == usd(1050)
    assert booking.lines[1].movements == (Movement(TITOS, SHOT, Cost(133_080_000, "USD")),)


def test_rule_04_negative_net_amounts_are_refused() -> None:
    with pytest.raises(InvalidInput, match="negative net amount"):
        book(receipt("r1", line("l1", net=-100)), catalog(), set(), venue=VENUE)


# Rule 5: depletion -------------------------------------------------------------------------------


def test_rule_05_swap_then_add_then_multiply_then_quantity() -> None:
    # 2 margaritas with Patron, + 0.5 oz Grand Marnier, double. Per unit after swap and add:
    # Patron 44,360, Cointreau 22,180, lime 29,574, GM 14,787 µl; x2 (double) x2 (line) = x4.
    mods = [("m-patron", 1000), ("m-gm", 1000), ("m-double", 1000)]
    r = receipt("r1", line("l1", "sq-margarita", 2000, 2800, *mods))
    (booked,) = book(r, catalog(), set(), venue=VENUE).lines
    assert {m.product_id: m.quantity.milli for m in booked.movements} == {
        PATRON: 177_440,
        COINTREAU: 88_720,
        LIME: 118_296,
        GRAND_MARNIER: 59_148,
    }
    # COGS: 177,440 x 0.006 = 1064.64c; 88,720 x 0.0048 = 425.856c; 118,296 x 0.0008 = 94.6368c;
    # 59,148 x 0.0054 = 319.3992c; total 1904.532c -> shown $19.05
    assert booked.cogs == Cost(1_904_532_000, "USD")
    assert booked.cogs.to_money() == usd(1905)
    assert [m.kind for m in booked.modifiers] == ["swap", "add", "multiply"]


def test_rule_05_an_added_ingredient_is_not_swapped_and_scales_with_the_modifier_quantity() -> None:
    extra = rule(4, "m-extra-milagro", Add(MILAGRO, HALF_OZ))
    cat = replace(catalog(), rules={**RULES, extra.modifier_id: extra})
    mods = [("m-extra-milagro", 2000), ("m-patron", 1000)]  # listed add first: order is by kind
    r = receipt("r1", line("l1", "sq-margarita", 1000, 1200, *mods))
    movements = {m.product_id: m.quantity.milli for m in book(r, cat, set(), venue=VENUE).movements}
    # swap moves the recipe's 44,360 µl to Patron; then 2 x 14,787 = 29,574 µl of Milagro is added
    assert movements[PATRON] == 44_360 and movements[MILAGRO] == 29_574


def test_rule_05_fractional_quantities_round_each_movement_half_even() -> None:
    # half a shot: 22,180 µl exactly; a third (0.333 after milli rounding): 14,771.88 -> 14,772
    half = book(receipt("r1", line("l1", quantity=500)), catalog(), set(), venue=VENUE)
    third = book(receipt("r2", line("l1", quantity=333)), catalog(), set(), venue=VENUE)
    assert half.movements[0].quantity == Quantity(V, 22_180)
    assert third.movements[0].quantity == Quantity(V, 14_772)


def test_rule_05_cost_is_the_cost_at_close_and_is_stored_with_the_sale() -> None:
    later = T0 + HOUR
    titos = [replace(COSTS[TITOS], valid_to=later), ProductCost(TITOS, usd(3000), BOTTLE, later)]
    recipes = RECIPES.values()
    before = book(receipt("r1", at=T0), catalog_at(T0, recipes, (), titos), set(), venue=VENUE)
    after = book(
        receipt("r2", at=T0 + 2 * HOUR),
        catalog_at(T0 + 2 * HOUR, recipes, (), titos),
        set(),
        venue=VENUE,
    )
    assert before.cogs == Cost(133_080_000, "USD")  # 44,360 x 0.003c
    assert after.cogs == Cost(177_440_000, "USD")  # 44,360 x 0.004c


# Rule 6: forward only ----------------------------------------------------------------------------


def test_rule_06_a_receipt_uses_the_mapping_in_effect_when_it_closed() -> None:
    change = T0 + HOUR
    old = replace(RECIPES[PosItemId("sq-titos-shot")], valid_to=change)
    two_oz = Quantity(V, 59_147)  # 2 x 29,573.5295625 = 59,147.059125
    new = Recipe(old.id, old.pos_item_id, (RecipeItem(TITOS, two_oz),), valid_from=change)
    late = receipt("r1", at=T0)  # closed before the change, delivered after it
    booking = book(
        late, catalog_at(late.closed_at, [old, new], (), COSTS.values()), set(), venue=VENUE
    )
    assert booking.movements[0].quantity == SHOT
    fresh = receipt("r2", at=change)
    booking = book(fresh, catalog_at(change, [old, new], (), COSTS.values()), set(), venue=VENUE)
    assert booking.movements[0].quantity == two_oz


def test_rule_06_a_mapping_made_later_never_backfills() -> None:
    mapped_at = T0 + HOUR
    margarita = replace(RECIPES[PosItemId("sq-margarita")], valid_from=mapped_at)
    r = receipt("r1", line("l1", "sq-margarita"), at=T0)
    booking = book(r, catalog_at(r.closed_at, [margarita], (), COSTS.values()), set(), venue=VENUE)
    assert booking.lines == () and booking.unmapped[0].external_id == "sq-margarita"


# Rule 7: on-hand ---------------------------------------------------------------------------------


def test_rule_07_on_hand_from_the_last_count() -> None:
    ledger: list[LedgerEntry] = [
        Count(TITOS, T0 - 5 * HOUR, Quantity(V, 9_000_000)),  # superseded
        Count(TITOS, T0, Quantity(V, 2_000_000)),
        Receiving(TITOS, T0 + HOUR, BOTTLE, containers=1000),
        Waste(TITOS, T0 + 2 * HOUR, SHOT, "dropped"),
        Depletion(TITOS, T0 + 3 * HOUR, Quantity(V, 88_720)),
        Depletion(TITOS, T0 - HOUR, SHOT),  # closed before the count: the count saw it
        Depletion(TITOS, T0, SHOT),  # at the count's instant: the count saw it too
    ]
    # 2,000,000 + 750,000 - 44,360 - 88,720 = 2,616,920 µl
    result = on_hand(ledger, V)
    assert result.quantity == Quantity(V, 2_616_920)
    assert result.count == ledger[1] and len(result.depletions) == 1


def test_rule_07_on_hand_may_go_negative() -> None:
    ledger: list[LedgerEntry] = [
        Count(TITOS, T0, Quantity(V, 0)),
        Depletion(TITOS, T0 + HOUR, SHOT),
    ]
    assert on_hand(ledger, V).quantity == Quantity(V, -44_360)
    assert on_hand([], V).quantity == Quantity(V, 0)


# Rule 8: variance --------------------------------------------------------------------------------


def test_rule_08_variance_between_two_counts() -> None:
    t1, t2 = T0, T0 + 24 * HOUR
    ledger: list[LedgerEntry] = [
        Count(TITOS, t1, Quantity(V, 3_000_000)),
        Depletion(TITOS, t1, SHOT),  # at t1: outside (t1, t2]
        Receiving(TITOS, t1 + HOUR, BOTTLE),
        *(Depletion(TITOS, t1 + 2 * HOUR, SHOT) for _ in range(29)),
        Depletion(TITOS, t2, SHOT),  # at t2: inside
        Waste(TITOS, t1 + 3 * HOUR, SHOT),
        Count(TITOS, t2, Quantity(V, 2_200_000)),
    ]
    result = latest_variance(ledger, COSTS[TITOS])
    assert result is not None
    # actual = 3,000,000 + 750,000 - 2,200,000 = 1,550,000; expected = 30 x 44,360 + 44,360
    assert result.actual == Quantity(V, 1_550_000)
    assert result.expected == Quantity(V, 1_375_160)
    assert result.waste == Quantity(V, 44_360)
    assert result.variance == Quantity(V, 174_840)
    assert result.pct == Fraction(174_840 * 100, 1_375_160)
    assert percent_number(result.pct) == percent_number(Fraction(12_714, 1000))  # 12.71
    # 174,840 x 0.003c = 524.52c -> $5.25
    assert result.cost == Cost(524_520_000, "USD") and result.cost.to_money() == usd(525)
    with pytest.raises(InvalidInput):
        variance(ledger, Count(TITOS, t2, BOTTLE), Count(TITOS, t1, BOTTLE), COSTS[TITOS])


# Rule 9: money -------------------------------------------------------------------------------


def test_rule_09_money_is_integer_minor_units_and_reports_decimal_strings() -> None:
    r = receipt("r1", line("l1", "sq-margarita", 1000, 1200), line("l2", net=800))
    booking = book(r, catalog(), set(), venue=VENUE)
    assert booking.net_sales == Money(2000, "USD") and booking.net_sales.to_json() == "20.00"
    # margarita 177.44 + 106.464 + 23.6592 = 307.5632c, shot 133.08c: 440.6432c
    assert booking.cogs == Cost(440_643_200, "USD") and booking.cogs.to_money().to_json() == "4.41"
    pct = pour_cost_pct(booking.cogs, booking.net_sales)
    assert pct == Fraction(4_406_432, 200_000)  # 22.03216 exactly, rounded only when shown


# Rule 10: refunds ----------------------------------------------------------------------------


def _sold_two_shots() -> dict[str, LineBooks]:
    booking = book(
        receipt("r1", line("l1", quantity=2000, net=1600)), catalog(), set(), venue=VENUE
    )
    return {b.source_key: LineBooks.of(b) for b in booking.lines}


def test_rule_10_a_refund_reverses_the_sales_amount_not_the_inventory() -> None:
    sales = _sold_two_shots()
    refund = Refund("square", "f1", "r1", T0 + HOUR, "USD", (RefundLine("l1", 1000, 800),))
    booked = book_refund(refund, sales, set(), venue=VENUE)
    assert booked.amount == usd(800)
    assert booked.lines[0].returned == () and not booked.lines[0].restocked
    assert booked.cogs_reversed == Cost.zero("USD")


def test_rule_10_restock_refunds_returns_the_refunded_share() -> None:
    sales = _sold_two_shots()
    refund = Refund("square", "f1", "r1", T0 + HOUR, "USD", (RefundLine("l1", 1000, 800),))
    booked = book_refund(refund, sales, set(), venue=RESTOCKING)
    # half of 88,720 µl and of 266.16c
    assert booked.lines[0].returned == (Movement(TITOS, SHOT, Cost(133_080_000, "USD")),)


def test_rule_10_refund_edges() -> None:
    sales = _sold_two_shots()
    stray = Refund("square", "f2", "r9", T0 + HOUR, "USD", (RefundLine("l1", 1000, 800),))
    assert book_refund(stray, sales, set(), venue=VENUE).unmatched == ("square:refund:f2:l1",)
    once = Refund("square", "f1", "r1", T0 + HOUR, "USD", (RefundLine("l1", 1000, 800),))
    first = book_refund(once, sales, set(), venue=VENUE)
    again = book_refund(once, sales, first.processed_keys, venue=VENUE)
    assert again.lines == () and again.skipped == ("square:refund:f1:l1",)
    # Rule 12: a refund of 3 of the 2 shots books the 2 and refuses the third
    too_much = Refund("square", "f3", "r1", T0 + HOUR, "USD", (RefundLine("l1", 3000, 800),))
    capped = book_refund(too_much, sales, set(), venue=VENUE)
    assert [(ln.quantity, ln.amount) for ln in capped.lines] == [(2000, usd(800))]
    assert [(r.quantity, r.amount) for r in capped.refused] == [(1000, 0)]
    left = "more of 'sq-titos-shot' than is left to refund (2 for $16.00 were left)"
    assert left in capped.refused[0].reason


# Rule 11: idempotency ------------------------------------------------------------------------


def test_rule_11_the_same_receipt_any_number_of_times_counts_once() -> None:
    booked: set[str] = set()
    totals = Quantity(V, 0)
    for _ in range(3):
        booking = book(receipt("r1", line("l1", quantity=2000)), catalog(), booked, venue=VENUE)
        booked |= booking.processed_keys
        totals = sum((m.quantity for m in booking.movements), totals)
    assert totals == Quantity(V, 88_720)


def test_rule_11_the_newest_version_decides_in_any_order() -> None:
    """v1 sells one shot; v2 three, and a margarita. v1 then v2: l2 books at the close and l1's
    two more shots as a correction dated when v2 came; v2 then v1: v1 changes nothing. The
    books sum to the same: what v2 says."""
    v1 = receipt("r1", line("l1"), version=1)
    v2 = receipt("r1", line("l1", quantity=3000, net=2400), line("l2", "sq-margarita"), version=2)
    now = T0 + HOUR
    first = deliver(v1, catalog(), None, set(), venue=VENUE, now=now)
    second = deliver(v2, catalog(), first.books, set(), venue=VENUE, now=now)
    assert second.booking is not None
    assert [b.line_id for b in second.booking.lines] == ["l2"]
    assert [(c.source_key, c.quantity, c.net_amount, c.at) for c in second.booking.corrections] == [
        ("square:r1:l1@v2", 2000, usd(1600), now)
    ]
    newest_first = deliver(v2, catalog(), None, set(), venue=VENUE, now=now)
    assert deliver(v1, catalog(), newest_first.books, set(), venue=VENUE, now=now).booking is None
    assert second.books.lines == newest_first.books.lines


def test_rule_11_unmapped_lines_are_tallied_once_when_keys_are_carried() -> None:
    r = receipt("r1", line("l1", "sq-unknown"))
    first = book(r, catalog(), set(), venue=VENUE)
    assert len(first.unmapped) == 1
    assert book(r, catalog(), first.processed_keys, venue=VENUE).unmapped == ()
