"""Money (rule 9): integer minor units and a currency; micro-minor COGS; exact percentages."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from engine.errors import InvalidInput
from engine.money import (
    Cost,
    Money,
    format_percent,
    gross_profit,
    parse_money,
    percent_number,
    pour_cost_pct,
)


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("$22.50", "USD", 2250),
        ("22.50", "USD", 2250),
        ("22.5", "USD", 2250),
        ("22", "USD", 2200),
        ("USD 22.50", "USD", 2250),
        ("22.50 usd", "USD", 2250),
        ("1,200.00", "USD", 120_000),
        ("€4", "EUR", 400),
        ("£4.10", "GBP", 410),
        ("1200", "JPY", 1200),
        ("1.250", "KWD", 1250),
        ("0", "USD", 0),
    ],
)
def test_parse_money(text: str, currency: str, minor: int) -> None:
    assert parse_money(text, currency) == Money(minor, currency)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("22.505", "more decimals than USD allows"),
        ("€4", "not in USD"),
        ("EUR 4", "not in USD"),
        ("-1", "must not be negative"),
        ("1,20", "is not a price"),
        ("abc", "is not a price"),
    ],
)
def test_parse_money_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_money(text, "USD")


def test_json_and_display() -> None:
    assert Money(1850, "USD").to_json() == "18.50"
    assert Money(-300, "USD").to_json() == "-3.00"
    assert Money(1200, "JPY").to_json() == "1200"
    assert Money(1250, "KWD").to_json() == "1.250"
    assert Money(1850, "USD").display() == "$18.50"
    assert Money(-300, "USD").display() == "-$3.00"
    assert Money(123_456, "USD").display() == "$1,234.56"
    # Without a venue's locale, the currency's own country's (engine/money_text.py).
    assert Money(1200, "ISK").display() == "1.200\u00a0kr."
    assert Money(1250, "CAD").display() == "$12.50"


def test_money_never_mixes_currencies() -> None:
    with pytest.raises(InvalidInput, match="cannot combine"):
        Money(1, "USD") + Money(1, "EUR")


def test_cost_rounds_half_even_to_the_minor_unit_only_for_display() -> None:
    assert Cost(1_500_000, "USD").to_money() == Money(2, "USD")  # 1.5 -> 2
    assert Cost(2_500_000, "USD").to_money() == Money(2, "USD")  # 2.5 -> 2
    assert Cost(2_500_001, "USD").to_money() == Money(3, "USD")
    assert Cost.of(Fraction(133_08, 100), "USD") == Cost(133_080_000, "USD")
    # a thousand lines of 0.4 cent sum to 4.00 dollars, not 0 (no per-line rounding)
    total = sum((Cost(400_000, "USD") for _ in range(1000)), Cost.zero("USD"))
    assert total.to_money() == Money(400, "USD")


def test_pour_cost_pct_is_exact_and_rounded_only_for_display() -> None:
    # COGS $21.07, net sales $123.50: 2107 / 12350 x 100 = 17.0607... -> 17.06
    pct = pour_cost_pct(Cost(2107 * 1_000_000, "USD"), Money(12_350, "USD"))
    assert pct == Fraction(210_700, 12_350)
    assert percent_number(pct) == Decimal("17.06")
    assert format_percent(pct) == "17.1%"
    assert pour_cost_pct(Cost(5, "USD"), Money(0, "USD")) is None
    assert format_percent(None) == "n/a"
    assert percent_number(None) is None
    assert gross_profit(Money(12_350, "USD"), Cost(2107 * 1_000_000, "USD")).to_money() == Money(
        10_243, "USD"
    )
