"""Stock figures: low flag, suggested order, days to stockout (the derived figures of engine.md).

Decisions where the rules are silent:
- The trailing window is the 28 complete business days before `today` (the day in progress is
  left out: its usage is not yet known). Days without sales count as zero usage.
- Weekday weighting needs the whole window (4 of each weekday) since `history_start`; then each
  coming day, starting with today, uses its weekday's average, and stock runs out during the day
  that exhausts it (a fraction of that day is counted). Today counts as a whole day still to come,
  which errs on the early side, the safe side for reordering.
- With less history, a flat average over the complete days since `history_start`; with no
  complete day, or no usage in the window, days to stockout is None. Stock at or below zero: 0.
- Low: on-hand in containers at or below the reorder point. Suggested order: containers to par,
  rounded up to whole containers; 0 at or above par.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from fractions import Fraction

from engine.quantity import Quantity

WINDOW_DAYS = 28


def is_low(on_hand: Quantity, container_size: Quantity, reorder_at: int) -> bool:
    """On-hand containers <= the reorder point (`reorder_at` milli-containers)."""
    return on_hand.ratio(container_size) <= Fraction(reorder_at, 1000)


def suggested_order(on_hand: Quantity, container_size: Quantity, par: int) -> int:
    """Whole containers needed to bring on-hand back to par (`par` milli-containers)."""
    needed = Fraction(par, 1000) - on_hand.ratio(container_size)
    return math.ceil(needed) if needed > 0 else 0


def days_to_stockout(
    on_hand: Quantity,
    daily_depletion: Mapping[date, Quantity],
    today: date,
    history_start: date,
) -> Fraction | None:
    """Days until on-hand runs out at the trailing usage rate; None when there is no usage.

    `daily_depletion` maps business days to what was depleted that day (missing days: zero);
    `history_start` is the first business day the product could have sold (e.g. its creation).
    """
    first = max(today - timedelta(days=WINDOW_DAYS), history_start)
    days = [first + timedelta(days=i) for i in range((today - first).days)]
    if not days:
        return None
    usage = {
        day: Fraction(daily_depletion[day].milli) if day in daily_depletion else Fraction(0)
        for day in days
    }
    total = sum(usage.values(), Fraction(0))
    if total <= 0:
        return None
    remaining = Fraction(on_hand.milli)
    if remaining <= 0:
        return Fraction(0)
    if len(days) < WINDOW_DAYS:
        return remaining / (total / len(days))
    by_weekday = [Fraction(0)] * 7
    for day, used in usage.items():
        by_weekday[day.weekday()] += used / (WINDOW_DAYS // 7)
    return _weekday_walk(remaining, by_weekday, today.weekday(), total / (WINDOW_DAYS // 7))


def _weekday_walk(
    remaining: Fraction, by_weekday: list[Fraction], weekday: int, weekly: Fraction
) -> Fraction:
    # Skip whole weeks at once, then walk day by day (at most two weeks) to the day it runs out.
    weeks = max(math.floor(remaining / weekly) - 1, 0)
    remaining -= weeks * weekly
    elapsed = Fraction(7 * weeks)
    while True:
        used = by_weekday[weekday]
        if used > 0 and used >= remaining:
            return elapsed + remaining / used
        remaining -= used
        elapsed += 1
        weekday = (weekday + 1) % 7
