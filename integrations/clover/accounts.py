"""What Clover says about a merchant's grant and account: the v2 OAuth token pair and the
merchant (pos-formats.md §3.6). Tokens never show in a `repr`, so they cannot reach a log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from integrations.clover import fields as f
from integrations.clover import limits
from integrations.errors import BadPayload


@dataclass(frozen=True, slots=True)
class Token:
    """An expiring access token and its single-use refresh token. Clover says not to assume
    either lifetime: both expirations come with every answer (Unix seconds)."""

    access_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_token: str | None = field(repr=False)
    refresh_expires_at: datetime | None


@dataclass(frozen=True, slots=True)
class Merchant:
    id: str
    name: str


MAX_TOKEN = 4096  # Clover: "token length is not fixed"; a kilobyte-sized JWT fits


def token_from(body: f.JsonObject) -> Token:
    where = "token response"
    access = f.opt_text(body, "access_token", where, longest=MAX_TOKEN)
    if not access:
        raise BadPayload(f"{where}.access_token is missing")
    refresh = f.opt_text(body, "refresh_token", where, longest=MAX_TOKEN) or None
    return Token(
        access_token=access,
        access_expires_at=_seconds(body, "access_token_expiration", where),
        refresh_token=refresh,
        refresh_expires_at=(
            None
            if body.get("refresh_token_expiration") is None
            else _seconds(body, "refresh_token_expiration", where)
        ),
    )


def merchant_from(body: f.JsonObject) -> Merchant:
    where = "merchant response"
    return Merchant(id=f.ident(body, "id", where), name=f.name(body, "name", where))


def _seconds(body: f.JsonObject, key: str, where: str) -> datetime:
    value = f.integer(
        body, key, where, low=limits.MIN_MILLIS // 1000, high=limits.MAX_MILLIS // 1000
    )
    return f.from_millis(value * 1000)
