"""Reporting periods in business days: `today`, `yesterday`, `week`, `month`, a day, a range.

Decisions where the rules are silent:
- `today` is the business day in progress (01:30 Saturday with a 04:00 cutoff is Friday).
- `week` is the current week to date, Monday to today; `month` the current month to date, the
  1st to today (both by business day, so the numbers grow through the period, like a POS's).
- A range is inclusive at both ends; a range that ends in the future is cut at today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from engine.errors import InvalidInput
from engine.receipt import business_day
from engine.venue import Venue


class PeriodLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def start(self) -> date | None: ...

    @property
    def end(self) -> date | None: ...


@dataclass(frozen=True, slots=True)
class Period:
    """`Period("today")`, `Period("day", d, d)`, `Period("range", d1, d2)`."""

    kind: str
    start: date | None = None
    end: date | None = None


def today(venue: Venue, now: datetime) -> date:
    """The business day in progress at `now`."""
    return business_day(now, venue.zone, venue.day_cutoff)


def last_full_day(venue: Venue, now: datetime) -> date:
    """The last complete business day (what a daily summary reports by default)."""
    return today(venue, now) - timedelta(days=1)


def resolve_period(period: PeriodLike, current: date) -> tuple[date, date]:
    """The first and last business days of `period`, given the business day in progress."""
    kind = str(period.kind)
    if kind == "today":
        return current, current
    if kind == "yesterday":
        day = current - timedelta(days=1)
        return day, day
    if kind == "week":
        return current - timedelta(days=current.weekday()), current
    if kind == "month":
        return current.replace(day=1), current
    if kind in ("day", "range"):
        if period.start is None:
            raise InvalidInput(f"a {kind} period needs a date", hint="e.g. 2026-11-21")
        end = period.start if period.end is None else period.end
        if end < period.start:
            raise InvalidInput(
                f"the period {period.start}..{end} ends before it starts",
                hint="write the earlier date first",
            )
        return period.start, end
    raise InvalidInput(f"period {kind!r} is not known", hint="today, yesterday, week, month")
