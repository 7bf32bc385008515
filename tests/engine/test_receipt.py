"""The normalised receipt: validation, line quantities, and the business day (DST-safe)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from engine.errors import InvalidInput
from engine.receipt import (
    Refund,
    RefundLine,
    business_day,
    line_quantity,
    validate_receipt,
    validate_refund,
)
from tests.engine.builders import line, receipt

NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
FOUR = time(4, 0)


@pytest.mark.parametrize(
    ("instant", "zone", "day"),
    [
        # 01:30 Saturday 21 Nov 2026 in New York (EST, UTC-5) belongs to Friday
        (datetime(2026, 11, 21, 6, 30, tzinfo=UTC), NEW_YORK, date(2026, 11, 20)),
        (datetime(2026, 11, 21, 8, 59, tzinfo=UTC), NEW_YORK, date(2026, 11, 20)),  # 03:59
        (datetime(2026, 11, 21, 9, 0, tzinfo=UTC), NEW_YORK, date(2026, 11, 21)),  # 04:00
        (datetime(2026, 11, 21, 4, 59, tzinfo=UTC), NEW_YORK, date(2026, 11, 20)),  # 23:59 Fri
        # spring forward, 8 Mar 2026: 03:30 EDT = 07:30 UTC, still before the cutoff
        (datetime(2026, 3, 8, 7, 30, tzinfo=UTC), NEW_YORK, date(2026, 3, 7)),
        (datetime(2026, 3, 8, 8, 0, tzinfo=UTC), NEW_YORK, date(2026, 3, 8)),  # 04:00 EDT
        # fall back, 1 Nov 2026: 01:30 happens twice (05:30 and 06:30 UTC), both Saturday's
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), NEW_YORK, date(2026, 10, 31)),
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), NEW_YORK, date(2026, 10, 31)),
        (datetime(2026, 11, 1, 8, 59, tzinfo=UTC), NEW_YORK, date(2026, 10, 31)),  # 03:59 EST
        (datetime(2026, 11, 1, 9, 0, tzinfo=UTC), NEW_YORK, date(2026, 11, 1)),
        # London in summer (BST, UTC+1): 03:30 local is 02:30 UTC
        (datetime(2026, 7, 4, 2, 30, tzinfo=UTC), LONDON, date(2026, 7, 3)),
    ],
)
def test_business_day(instant: datetime, zone: ZoneInfo, day: date) -> None:
    assert business_day(instant, zone, FOUR) == day


def test_business_day_with_midnight_cutoff_is_the_local_date() -> None:
    assert business_day(datetime(2026, 11, 21, 6, 30, tzinfo=UTC), NEW_YORK, time(0)) == date(
        2026, 11, 21
    )


def test_business_day_refuses_naive_times() -> None:
    with pytest.raises(InvalidInput, match="no time zone"):
        business_day(datetime(2026, 11, 21, 1, 30), NEW_YORK, FOUR)


def test_line_quantity_is_exact_milli_units() -> None:
    assert line_quantity(2) == 2000
    assert line_quantity("0.5") == 500
    assert line_quantity(Decimal("1.25")) == 1250
    assert line_quantity("0.3330") == 333  # trailing zeros are not decimals kept
    assert line_quantity("0") == 0  # a POS's zero line; the normaliser leaves it out


@pytest.mark.parametrize("more", ["0.3333", "0.0004", Decimal("0.0005"), Fraction(1, 3)])
def test_a_quantity_with_more_decimals_than_barback_keeps_is_refused_not_rounded(
    more: object,
) -> None:
    """ "0.3333" x 40 ml is 13.332 ml; rounded to 0.333 it would deplete 13.32 ml."""
    with pytest.raises(InvalidInput, match="more decimals than barback keeps"):
        line_quantity(more)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (receipt("r1", line("l1"), line("l1")), "line 'l1' twice"),
        (receipt("r1", line("l1", quantity=0)), "has quantity"),
        (receipt("r1", line("l1", "sq-titos-shot", 1000, 800, ("m", 0))), "no quantity"),
        (receipt("r1", line("l1", net=-1)), "negative net amount"),
    ],
)
def test_invalid_receipts_are_refused(bad: object, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        validate_receipt(bad, "USD")  # type: ignore[arg-type]


def test_receipt_currency_must_be_the_venue_currency() -> None:
    with pytest.raises(InvalidInput, match="the venue counts in EUR"):
        validate_receipt(receipt("r1"), "EUR")


def test_refund_validation() -> None:
    at = datetime(2026, 11, 21, tzinfo=UTC)
    good = Refund("square", "f1", "r1", at, "USD", (RefundLine("l1", 1000, 800),))
    assert validate_refund(good, "USD") is good
    with pytest.raises(InvalidInput, match="twice"):
        validate_refund(
            Refund(
                "square", "f1", "r1", at, "USD", (RefundLine("l1", 1, 1), RefundLine("l1", 1, 1))
            ),
            "USD",
        )
    with pytest.raises(InvalidInput, match="positive quantity"):
        validate_refund(Refund("square", "f1", "r1", at, "USD", (RefundLine("l1", 0, 1),)), "USD")
