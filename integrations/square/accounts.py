"""What Square says about a seller's account: OAuth tokens, locations, the merchant profile.

Parsed from `ObtainTokenResponse`, `ListLocationsResponse` and `RetrieveMerchantResponse`
(pos-formats.md §1.8). Tokens never show in a `repr`, so they cannot reach a log by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from integrations.square import fields as f


@dataclass(frozen=True, slots=True)
class Token:
    """An OAuth grant. Code-flow access tokens live 30 days; the refresh token does not expire and
    a refresh returns the same one (Square's OAuth overview)."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime
    merchant_id: str
    short_lived: bool = False


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    name: str
    status: str
    """`ACTIVE` or `INACTIVE`."""
    currency: str | None
    timezone: str | None
    merchant_id: str | None


@dataclass(frozen=True, slots=True)
class Merchant:
    id: str
    business_name: str | None
    country: str | None
    currency: str | None
    main_location_id: str | None
    status: str | None


def token_from(body: f.JsonObject) -> Token:
    where = "token response"
    short_lived = body.get("short_lived")
    return Token(
        access_token=f.text(body, "access_token", where),
        refresh_token=f.opt_text(body, "refresh_token", where),
        expires_at=f.instant(body, "expires_at", where),
        merchant_id=f.text(body, "merchant_id", where),
        short_lived=short_lived is True,
    )


def locations_from(body: f.JsonObject) -> list[Location]:
    return [
        Location(
            id=f.text(item, "id", where),
            name=f.opt_text(item, "name", where) or "",
            status=f.opt_text(item, "status", where) or "ACTIVE",
            currency=f.opt_text(item, "currency", where),
            timezone=f.opt_text(item, "timezone", where),
            merchant_id=f.opt_text(item, "merchant_id", where),
        )
        for where, item in f.objects(body, "locations", "locations response")
    ]


def merchant_from(body: f.JsonObject) -> Merchant:
    where = "merchant response.merchant"
    merchant = f.obj(body, "merchant", "merchant response")
    return Merchant(
        id=f.text(merchant, "id", where),
        business_name=f.opt_text(merchant, "business_name", where),
        country=f.opt_text(merchant, "country", where),
        currency=f.opt_text(merchant, "currency", where),
        main_location_id=f.opt_text(merchant, "main_location_id", where),
        status=f.opt_text(merchant, "status", where),
    )
