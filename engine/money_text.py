"""Money for people, the local way: one formatter (babel's CLDR data) for text, Slack and charts.

Decisions where the rules are silent:
- A venue's locale comes from where it is: the country of its time zone (CLDR's zone-to-country
  table), in English when English is an official language there (barback speaks English), else
  in the country's first official language. So a CAD venue in America/Toronto shows `$12.50`, a
  EUR venue in Europe/Paris `12,50 €`, in Europe/Dublin `€12.50`, and a USD venue in New York
  `$12.50`. A zone with no country (`UTC`) falls back on the currency's country when the currency
  has one (`JPY` -> ja_JP), else on plain English (`€12.50`).
- The number of decimals is the currency's ISO 4217 exponent (`CURRENCY_EXPONENTS`), never the
  locale's default: amounts are exact minor units, so nothing is rounded unless a caller asks for
  fewer digits (a chart's axis ticks).
- JSON never goes through here: it stays a decimal string in major units (`Money.to_json`).

babel is imported inside the functions: the terminal's fast path never pays for it unless a reply
shows money, and then once per process (the locale data is cached by babel, patterns here).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.numbers import NumberPattern

__all__ = ["FALLBACK_LOCALE", "format_amount", "locale_for"]

FALLBACK_LOCALE = "en"
APP_LANGUAGE = "en"


@lru_cache(maxsize=512)
def locale_for(timezone: str | None, currency: str) -> str:
    """The locale money is shown in at a venue in `timezone` keeping its books in `currency`."""
    from babel.core import get_global
    from babel.numbers import get_territory_currencies

    territories: list[str] = []
    if timezone:
        zone = str(get_global("zone_aliases").get(timezone, timezone))
        found = get_global("zone_territories").get(zone)
        if found:
            territories.append(str(found))
    home = currency[:2]  # ISO 4217: a national currency's code starts with its country's
    if currency in get_territory_currencies(home):
        territories.append(home)
    for territory in territories:
        if (locale := _territory_locale(territory)) is not None:
            return locale
    return FALLBACK_LOCALE


def _territory_locale(territory: str) -> str | None:
    from babel.languages import get_official_languages
    from babel.localedata import exists

    languages = get_official_languages(territory, de_facto=True)
    if not languages:
        return None
    language = APP_LANGUAGE if APP_LANGUAGE in languages else languages[0]
    locale = f"{language}_{territory}"
    return locale if exists(locale) else None


def format_amount(amount: Decimal, currency: str, locale: str, *, digits: int) -> str:
    """`amount` (major units) in `locale`'s currency format with exactly `digits` decimals:
    `$1,234.50` (en_US), `1 234,50 €` (fr_FR), `￥1,200` (ja_JP)."""
    from babel.core import Locale

    shown = _pattern(locale, digits).apply(
        amount, Locale.parse(locale), currency=currency, currency_digits=False
    )
    return str(shown)


@lru_cache(maxsize=256)
def _pattern(locale: str, digits: int) -> NumberPattern:
    from babel.core import Locale

    standard: NumberPattern = Locale.parse(locale).currency_formats["standard"]
    pattern = copy.copy(standard)
    pattern.frac_prec = (digits, digits)
    return pattern
