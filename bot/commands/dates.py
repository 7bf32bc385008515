"""The dates, periods and times of day a command line spells: `2026-11-21`,
`2026-11-01..2026-11-21`, today/yesterday/week/month, `09:30`.

Separate from `amounts` because each is read from one word's text, not from a `Cursor`.
"""

import datetime as dt
import re

from bot.commands.commands import Period, PeriodKind
from engine.errors import InvalidInput

_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
RELATIVE_PERIODS = {
    "today": PeriodKind.TODAY,
    "yesterday": PeriodKind.YESTERDAY,
    "week": PeriodKind.WEEK,
    "month": PeriodKind.MONTH,
}


def parse_date(text: str) -> dt.date:
    m = _DATE.fullmatch(text)
    if m is None:
        raise InvalidInput(f"{text!r} is not a date like 2026-11-21")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise InvalidInput(f"{text!r} is not a real date") from None


def looks_like_dates(text: str) -> bool:
    """Whether a word is meant as a date or a range (so a typo in it is an error, not a name)."""
    return ".." in text or _DATE.fullmatch(text) is not None


def parse_period(text: str, *, relative: bool) -> Period:
    """`2026-11-21` or `2026-11-01..2026-11-21`; with `relative` also today/yesterday/week/month."""
    key = text.lower()
    if relative and key in RELATIVE_PERIODS:
        return Period(RELATIVE_PERIODS[key])
    if ".." in text:
        first, _, last = text.partition("..")
        if not first or not last:
            raise InvalidInput(f"{text!r} is not a range like 2026-11-01..2026-11-21")
        start, end = parse_date(first), parse_date(last)
        if start > end:
            raise InvalidInput(f"the range {text!r} ends before it starts")
        return Period(PeriodKind.RANGE, start, end)
    day = parse_date(text)
    return Period(PeriodKind.DAY, day, day)


def parse_time(text: str) -> dt.time:
    m = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", text)
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise InvalidInput(f"{text!r} is not a time like 09:30 or 23:00 (HH:MM, 24-hour)")
    return dt.time(int(m.group(1)), int(m.group(2)))
