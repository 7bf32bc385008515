"""What Shopify says about a shop's grant and set-up: OAuth tokens, locations, webhook
subscriptions (pos-formats.md §4.7). Tokens never show in a `repr`, so they cannot reach a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from integrations.errors import BadPayload
from integrations.shopify import fields as f

_MAX_LOCATIONS = 1_000
_MAX_SUBSCRIPTIONS = 1_000
_MAX_LIFETIME = 10 * 365 * 86_400  # seconds: anything longer is not a lifetime Shopify gives


@dataclass(frozen=True, slots=True)
class Token:
    """An offline access token. Non-expiring ones (`expires_at` None) live until the app is
    uninstalled; expiring ones live an hour and come with a refresh token that Shopify replaces
    on every refresh."""

    access_token: str = field(repr=False)
    scope: str
    refresh_token: str | None = field(repr=False, default=None)
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    name: str
    active: bool


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    topic: str
    address: str


def token_from(body: f.JsonObject, now: datetime) -> Token:
    where = "token response"
    expires_in = body.get("expires_in")
    expires_at = None
    if expires_in is not None:
        if (
            not isinstance(expires_in, int)
            or isinstance(expires_in, bool)
            or not 0 < expires_in <= _MAX_LIFETIME
        ):
            raise BadPayload(f"{where}.expires_in must be a positive number of seconds")
        expires_at = now + timedelta(seconds=expires_in)
    token = _credential(body.get("access_token"), f"{where}.access_token")
    if not token:
        raise BadPayload(f"{where}.access_token is missing")
    return Token(
        access_token=token,
        scope=_scope(body.get("scope"), where),
        refresh_token=_credential(body.get("refresh_token"), f"{where}.refresh_token") or None,
        expires_at=expires_at,
    )


def locations_from(body: f.JsonObject) -> list[Location]:
    return [
        Location(
            id=f.ident(item, "id", where),
            name=f.opt_text(item, "name", where) or "",
            active=f.flag(item, "active", where) if "active" in item else True,
        )
        for where, item in f.objects(body, "locations", "locations response", _MAX_LOCATIONS)
    ]


def subscriptions_from(body: f.JsonObject) -> list[Subscription]:
    where_all = "webhooks response"
    return [
        Subscription(
            id=f.ident(item, "id", where),
            topic=f.text(item, "topic", where),
            address=f.opt_text(item, "address", where) or "",
        )
        for where, item in f.objects(body, "webhooks", where_all, _MAX_SUBSCRIPTIONS)
    ]


def _credential(value: object, where: str) -> str:
    """A token: opaque, so longer than names may be (the message never holds it)."""
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 4_096 or not value.isprintable():
        raise BadPayload(f"{where} must be a token string")
    return value


def _scope(value: object, where: str) -> str:
    # The scope string is a short comma-separated list; it is not held to `MAX_TEXT`.
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 2_000:
        raise BadPayload(f"{where}.scope must be a string")
    return value
