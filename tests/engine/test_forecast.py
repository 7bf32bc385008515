"""Stock figures: low flag, suggested order, days to stockout."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

from engine.forecast import days_to_stockout, is_low, suggested_order
from engine.quantity import Quantity
from engine.units import Dimension

V = Dimension.VOLUME
BOTTLE = Quantity(V, 750_000)
THURSDAY = date(2026, 11, 19)


def test_suggested_order_rounds_up_to_par() -> None:
    # 2,205,640 / 750,000 = 2.941 bottles; par 6: 3.059 short -> 4 bottles (commands.md's example)
    assert suggested_order(Quantity(V, 2_205_640), BOTTLE, 6000) == 4
    assert suggested_order(Quantity(V, 3_000_000), BOTTLE, 6000) == 2  # exactly 2 short
    assert suggested_order(Quantity(V, 4_500_000), BOTTLE, 6000) == 0  # at par
    assert suggested_order(Quantity(V, 9_000_000), BOTTLE, 6000) == 0  # above par
    assert suggested_order(Quantity(V, -375_000), BOTTLE, 1000) == 2  # 1.5 short


def test_low_is_at_or_below_the_reorder_point() -> None:
    assert not is_low(Quantity(V, 2_205_640), BOTTLE, 2000)
    assert is_low(Quantity(V, 1_500_000), BOTTLE, 2000)  # exactly 2 bottles
    assert is_low(Quantity(V, -1), BOTTLE, 0)


def _weekend_usage() -> dict[date, Quantity]:
    # four weeks before Thursday 19 Nov: Fridays use 1 l, Saturdays 2 l, other days nothing
    days = [THURSDAY - timedelta(days=i) for i in range(1, 29)]
    usage = {4: 1_000_000, 5: 2_000_000}
    return {d: Quantity(V, usage[d.weekday()]) for d in days if d.weekday() in usage}


def test_days_to_stockout_weighted_by_weekday() -> None:
    start = THURSDAY - timedelta(days=60)
    # 2 l: Thursday uses nothing (day 1), Friday 1 l (day 2), half of Saturday's 2 l: 2.5 days
    assert days_to_stockout(Quantity(V, 2_000_000), _weekend_usage(), THURSDAY, start) == Fraction(
        5, 2
    )
    # 7 l: two full weekends use 6 l (to day 10); the third Friday ends it: 16 days
    assert days_to_stockout(Quantity(V, 7_000_000), _weekend_usage(), THURSDAY, start) == 16


def test_days_to_stockout_flat_with_short_history() -> None:
    # a week of history using 3 l in all: 3/7 l a day; 3 l last 7 days
    start = THURSDAY - timedelta(days=7)
    usage = _weekend_usage()
    assert days_to_stockout(Quantity(V, 3_000_000), usage, THURSDAY, start) == 7


def test_days_to_stockout_edges() -> None:
    start = THURSDAY - timedelta(days=60)
    assert days_to_stockout(Quantity(V, 1), {}, THURSDAY, start) is None  # no usage
    assert days_to_stockout(Quantity(V, 1), _weekend_usage(), THURSDAY, THURSDAY) is None
    assert days_to_stockout(Quantity(V, -5), _weekend_usage(), THURSDAY, start) == 0
    # usage older than 28 days does not count
    old = {THURSDAY - timedelta(days=29): Quantity(V, 1_000_000)}
    assert days_to_stockout(Quantity(V, 1), old, THURSDAY, start) is None
