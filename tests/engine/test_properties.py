"""Properties: conservation, idempotency, forward-only, no drift."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.bounds import MAX_LINES
from engine.catalog import PosItemId, ProductCost, Recipe, RecipeItem
from engine.catalog_view import catalog_at
from engine.depletion import Booking, Unmapped, book
from engine.inventory import Count, Depletion, LedgerEntry, Receiving, Waste, on_hand
from engine.movements import BookedLine
from engine.quantity import Quantity
from engine.receipt import Receipt
from engine.versioning import supersede
from tests.engine.builders import (
    COSTS,
    RECIPES,
    RULES,
    SHOT,
    T0,
    TITOS,
    VENUE,
    V,
    catalog,
    line,
    receipt,
    usd,
)

MINUTE = timedelta(minutes=1)
amounts = st.integers(min_value=0, max_value=5_000_000)


@given(
    start=amounts,
    moves=st.lists(st.tuples(st.sampled_from("rwd"), amounts, st.integers(1, 10_000)), max_size=40),
    before=st.lists(st.tuples(st.sampled_from("rwd"), amounts), max_size=5),
)
def test_conservation(
    start: int, moves: list[tuple[str, int, int]], before: list[tuple[str, int]]
) -> None:
    """start + received - depleted - waste = on-hand, for any sequence after the count (entries
    before the count, like a late receipt that closed earlier, never matter)."""
    kinds = {"r": Receiving, "w": Waste, "d": Depletion}
    ledger: list[LedgerEntry] = [Count(TITOS, T0, Quantity(V, start))]
    ledger += [kinds[k](TITOS, T0 + m * MINUTE, Quantity(V, q)) for k, q, m in moves]
    ledger += [kinds[k](TITOS, T0 - MINUTE, Quantity(V, q)) for k, q in before]
    signed = {"r": 1, "w": -1, "d": -1}
    expected = start + sum(signed[k] * q for k, q, _ in moves)
    assert on_hand(ledger, V).quantity == Quantity(V, expected)


ITEMS = ["sq-titos-shot", "sq-margarita", "sq-unknown"]
MODIFIERS = ["m-double", "m-gm", "m-patron", "m-unknown"]


@st.composite
def receipts(draw: st.DrawFn) -> list[Receipt]:
    """Distinct receipts (ids r0..rn), each with 1-4 random lines."""
    result = []
    for n in range(draw(st.integers(1, 6))):
        lines = []
        for i in range(draw(st.integers(1, 4))):
            mods = draw(st.lists(st.sampled_from(MODIFIERS), max_size=3, unique=True))
            lines.append(
                line(
                    f"l{i}",
                    draw(st.sampled_from(ITEMS)),
                    draw(st.integers(1, 5000)),
                    draw(st.integers(0, 5000)),
                    *((m, draw(st.integers(1, 3000))) for m in mods),
                )
            )
        result.append(receipt(f"r{n}", *lines, at=T0 + n * MINUTE))
    return result


def _books(deliveries: list[Receipt]) -> tuple[list[BookedLine], list[Unmapped]]:
    booked: set[str] = set()
    lines: list[BookedLine] = []
    unmapped: list[Unmapped] = []
    for delivery in deliveries:
        booking = book(delivery, catalog(), booked, venue=VENUE)
        booked |= booking.processed_keys
        lines += booking.lines
        unmapped += booking.unmapped
    return sorted(lines, key=lambda b: b.source_key), sorted(
        unmapped, key=lambda u: (u.source_key, u.kind, u.external_id)
    )


@given(data=st.data(), distinct=receipts())
def test_idempotency(data: st.DataObject, distinct: list[Receipt]) -> None:
    """Any duplication and reordering of the same receipts gives identical books."""
    copies = data.draw(st.lists(st.sampled_from(distinct), max_size=10))
    deliveries = data.draw(st.permutations(distinct + copies))
    assert _books(deliveries) == _books(distinct)


@given(
    distinct=receipts(),
    later=st.integers(1, 600),
    new_cost=st.integers(0, 100_000),
    new_pour=st.integers(1, 200_000),
)
def test_forward_only(distinct: list[Receipt], later: int, new_cost: int, new_pour: int) -> None:
    """A mapping or cost change after a receipt closed never alters its booking."""
    costs: list[ProductCost] = list(COSTS.values())
    recipes: list[Recipe] = list(RECIPES.values())
    before = [
        book(r, catalog_at(r.closed_at, recipes, RULES.values(), costs), set(), venue=VENUE)
        for r in distinct
    ]
    change = max(r.closed_at for r in distinct) + later * MINUTE
    old_cost, new_cost_version = supersede(
        COSTS[TITOS], replace(COSTS[TITOS], cost_per_container=usd(new_cost), valid_from=change)
    )
    shot = RECIPES[PosItemId("sq-titos-shot")]
    old_recipe, new_recipe = supersede(
        shot, replace(shot, items=(RecipeItem(TITOS, Quantity(V, new_pour)),), valid_from=change)
    )
    assert old_cost is not None and old_recipe is not None
    costs = [c for c in costs if c.product_id != TITOS] + [old_cost, new_cost_version]
    recipes = [r for r in recipes if r is not shot] + [old_recipe, new_recipe]
    after: list[Booking] = [
        book(r, catalog_at(r.closed_at, recipes, RULES.values(), costs), set(), venue=VENUE)
        for r in distinct
    ]
    assert after == before


def test_no_drift_in_a_million_pours() -> None:
    """1,000,000 pours of 1.5 oz sum to exactly 1,000,000 x 44,360 µl = 44,360,000,000 µl
    (44,360 l), and their COGS to 1,000,000 x 133.08c = $1,330,800.00. A receipt of 500 pours
    (the most a receipt may hold) is booked through `book`; each pour is exactly the stored
    serving, so two thousand such receipts add up."""
    pours = receipt("r1", *(line(f"l{i}") for i in range(MAX_LINES)))
    booking = book(pours, catalog(), set(), venue=VENUE)
    assert all(b.movements[0].quantity == SHOT for b in booking.lines)
    total = Quantity(V, 0)
    cogs = booking.cogs - booking.cogs
    for _ in range(1_000_000 // MAX_LINES):
        for b in booking.lines:
            total += b.movements[0].quantity
        cogs += booking.cogs
    assert total == Quantity(V, 1_000_000 * 44_360)
    assert cogs.to_money() == usd(133_080_000)
    # float millilitres drift: the same sum in float ml is not exact
    assert sum([44.36] * 1_000_000) != 44_360_000.0


@pytest.mark.slow
def test_no_drift_a_million_pours_through_book() -> None:
    lines = tuple(line(f"l{i}") for i in range(MAX_LINES))
    total = Quantity(V, 0)
    booked: set[str] = set()
    for r in range(1_000_000 // MAX_LINES):
        booking = book(receipt(f"r{r}", *lines), catalog(), booked, venue=VENUE)
        booked |= booking.processed_keys
        total = sum((m.quantity for m in booking.movements), total)
    assert total == Quantity(V, 44_360_000_000) and len(booked) == 1_000_000


@given(st.integers(-(10**12), 10**12), st.integers(-(10**6), 10**6).filter(bool))
def test_integer_rounding_matches_exact_half_even(numerator: int, denominator: int) -> None:
    from fractions import Fraction

    from engine.exact import div_half_even

    assert div_half_even(numerator, denominator) == round(Fraction(numerator, denominator))
