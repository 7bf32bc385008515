"""Money shown the local way: one formatter, the venue's locale from its time zone and currency."""

from __future__ import annotations

from decimal import Decimal

import pytest

from engine.money import Cost, Money, parse_money, typed_example
from engine.money_text import FALLBACK_LOCALE, format_amount, locale_for
from engine.venue import UnitSystem, Venue, VenueId

NBSP, NNBSP = "\u00a0", "\u202f"  # CLDR's no-break space and narrow no-break space


def venue(timezone: str, currency: str) -> Venue:
    return Venue(VenueId(1), "bar", "Bar", timezone, currency, UnitSystem.METRIC)


@pytest.mark.parametrize(
    ("timezone", "currency", "locale", "shown"),
    [
        ("America/Toronto", "CAD", "en_CA", "$12.50"),  # English is official in Canada
        ("America/Montreal", "CAD", "en_CA", "$12.50"),  # an alias of America/Toronto
        ("America/New_York", "USD", "en_US", "$12.50"),
        ("US/Eastern", "USD", "en_US", "$12.50"),
        ("Europe/Paris", "EUR", "fr_FR", f"12,50{NBSP}€"),
        ("Europe/Berlin", "EUR", "de_DE", f"12,50{NBSP}€"),
        ("Europe/Dublin", "EUR", "en_IE", "€12.50"),
        ("Europe/London", "GBP", "en_GB", "£12.50"),
        ("Europe/Zurich", "CHF", "de_CH", f"CHF{NBSP}12.50"),
        ("Asia/Tokyo", "JPY", "ja_JP", "￥1,250"),  # no minor unit: 1250 is ¥1,250
        ("UTC", "JPY", "ja_JP", "￥1,250"),  # no country in the zone: the currency's
        ("UTC", "EUR", FALLBACK_LOCALE, "€12.50"),  # neither: plain English
    ],
)
def test_a_venue_shows_money_in_its_locale(
    timezone: str, currency: str, locale: str, shown: str
) -> None:
    place = venue(timezone, currency)
    assert place.locale == locale
    assert Money(1250, currency).display(place.locale) == shown


def test_the_currency_exponent_decides_the_decimals_not_the_locale() -> None:
    assert Money(12_345, "KWD").display("en_US") == "KWD12.345"  # three decimals
    assert Money(1_234_567, "USD").display("fr_FR") == f"12{NNBSP}345,67{NBSP}$US"
    assert Money(-300, "EUR").display("fr_FR") == f"-3,00{NBSP}€"
    assert Money(-300, "USD").display("en_US") == "-$3.00"
    # Cost of goods is rounded half-even to the cent only when shown.
    assert Cost(2_500_000, "USD").to_money().display("en_US") == "$0.02"


def test_fewer_digits_are_for_chart_ticks_only() -> None:
    assert format_amount(Decimal(1200), "CAD", "en_CA", digits=0) == "$1,200"
    assert format_amount(Decimal("1234.5"), "EUR", "de_DE", digits=0) == f"1.234{NBSP}€"
    assert format_amount(Decimal("12.5"), "EUR", "de_DE", digits=2) == f"12,50{NBSP}€"


def test_json_stays_decimal_strings_whatever_the_locale() -> None:
    assert Money(1250, "EUR").to_json() == "12.50"
    assert Money(1250, "JPY").to_json() == "1250"


def test_typed_examples_are_what_the_parser_reads_back() -> None:
    for currency in ("USD", "EUR", "CHF", "JPY", "ISK", "KWD"):
        example = Money(2250, currency)
        text = typed_example(example)
        plain, typed = text.split(" or ")
        assert parse_money(plain, currency) == example
        assert parse_money(typed, currency) == example


def test_the_locale_is_chosen_once_per_zone_and_currency() -> None:
    locale_for.cache_clear()
    for _ in range(3):
        venue("Europe/Paris", "EUR").locale  # noqa: B018
    assert locale_for.cache_info().hits == 2
