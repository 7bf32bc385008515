"""A venue: one bar or restaurant, the tenant every other record belongs to."""

from __future__ import annotations

import re
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
from typing import NewType

from engine.errors import InvalidInput
from engine.money_text import locale_for

VenueId = NewType("VenueId", int)

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$")

# ISO 4217 active codes with their minor-unit exponent. Money is kept in minor units, so the
# exponent decides how "18.50" is read and shown.
CURRENCY_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP "
        "BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP "
        "GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT "
        "LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN "
        "NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP "
        "SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VES "
        "WST XCD YER ZAR ZMW ZWL".split(),
        2,
    ),
    **dict.fromkeys("BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX VND VUV XAF XOF XPF".split(), 0),
    **dict.fromkeys("BHD IQD JOD KWD LYD OMR TND".split(), 3),
}


class UnitSystem(StrEnum):
    """How a venue writes volumes: which ounce `oz` means, and which unit reports use."""

    US = "us"
    METRIC = "metric"
    IMPERIAL = "imperial"


DEFAULT_CUTOFF = time(4, 0)


@dataclass(frozen=True, slots=True)
class Venue:
    id: VenueId
    slug: str
    name: str
    timezone: str
    currency: str
    units: UnitSystem
    day_cutoff: time = DEFAULT_CUTOFF
    restock_refunds: bool = False
    archived_at: datetime | None = None
    """When an administrator archived it: webhooks and changes are refused, history stays."""

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def currency_exponent(self) -> int:
        return CURRENCY_EXPONENTS[self.currency]

    @property
    def locale(self) -> str:
        """The locale its money is shown in (`engine.money_text.locale_for`): `en_CA`, `fr_FR`."""
        return locale_for(self.timezone, self.currency)


@dataclass(frozen=True, slots=True)
class NewVenue:
    """A venue as typed by an administrator, validated before anything is written."""

    slug: str
    name: str
    timezone: str
    currency: str
    units: UnitSystem
    webhook_secret: str
    created_at: datetime


def new_venue(
    slug: str, name: str, timezone: str, currency: str, units: str, *, now: datetime
) -> NewVenue:
    """Validate an administrator's venue and give it a fresh webhook secret."""
    slug = slug.strip()
    if not SLUG.match(slug):
        raise InvalidInput(
            f"venue slug {slug!r} is not valid",
            hint="use 1-48 lower-case letters, digits and dashes, e.g. downtown",
        )
    name = name.strip()
    if not name:
        raise InvalidInput("venue name is empty", hint='e.g. --name "Downtown"')
    validate_timezone(timezone)
    currency = validate_currency(currency)
    try:
        unit_system = UnitSystem(units.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"unit system {units!r} is not known", hint="use us, metric or imperial"
        ) from None
    return NewVenue(
        slug=slug,
        name=name,
        timezone=timezone,
        currency=currency,
        units=unit_system,
        webhook_secret=generate_webhook_secret(),
        created_at=now,
    )


def validate_timezone(timezone: str) -> str:
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            f"time zone {timezone!r} is not known",
            hint="use an IANA name such as America/New_York or Europe/London",
        ) from None
    return timezone


def validate_currency(currency: str) -> str:
    code = currency.strip().upper()
    if code not in CURRENCY_EXPONENTS:
        raise InvalidInput(
            f"currency {currency!r} is not an ISO 4217 code", hint="e.g. USD, EUR, GBP"
        )
    return code


def generate_webhook_secret() -> str:
    """32 random bytes, URL-safe: the key of the venue's generic webhook HMAC."""
    return "whsec_" + secrets.token_urlsafe(32)
