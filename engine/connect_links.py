"""Signed, expiring `connect <pos>` links: only a manager's command may start binding a POS.

`GET /connect/<pos>?venue=<slug>` binds whichever POS account approves the consent page to the
venue, so an unsigned link would let anyone bind their own merchant to someone else's venue. The
`connect <pos>` command (run by a manager) answers `connect_link(...)`; the route checks it with
`verify_connect_token(...)` and refuses (403) a link it did not sign, one for another venue or
POS, or one older than `LINK_TTL`.

The token is `<expiry unix seconds>.<mac>`, URL-safe: mac = HMAC-SHA256(k, "<pos>\\n<slug>\\n
<expiry>"), where k is derived from `BARBACK_SECRET_KEY` for this one purpose (so it is never the
key that encrypts POS tokens, and a MAC made for something else never verifies here). Pure: the
time arrives as an argument.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, urlencode

from engine.errors import NotAllowed

LINK_TTL = timedelta(minutes=30)
_PURPOSE = b"barback connect link v1"


def connect_link(
    public_url: str,
    provider: str,
    venue_slug: str,
    secret_key: str | bytes,
    now: datetime,
    *,
    ttl: timedelta = LINK_TTL,
) -> str:
    """`<public_url>/connect/<provider>?venue=<slug>&token=<token>`, valid until `now + ttl`."""
    token = connect_token(secret_key, provider, venue_slug, now, ttl=ttl)
    query = urlencode({"venue": venue_slug, "token": token}, quote_via=quote)
    return f"{public_url.rstrip('/')}/connect/{quote(provider)}?{query}"


def connect_token(
    secret_key: str | bytes,
    provider: str,
    venue_slug: str,
    now: datetime,
    *,
    ttl: timedelta = LINK_TTL,
) -> str:
    """The `token` of a connect link for `provider` and `venue_slug`, expiring at `now + ttl`."""
    if not provider or not venue_slug:
        raise ValueError("a connect link names a POS and a venue")
    expires = int((_aware(now) + ttl).timestamp())
    return f"{expires}.{_mac(secret_key, provider, venue_slug, expires)}"


def verify_connect_token(
    secret_key: str | bytes, provider: str, venue_slug: str, token: str | None, now: datetime
) -> datetime:
    """When the token expires; raises `NotAllowed` (its message fit to show on the page, never
    holding the token) when it is missing, not signed by barback for this POS and venue, or
    expired."""
    if not token:
        raise NotAllowed(
            "this connect link is not signed",
            hint=f"run `connect {provider}` in barback for a fresh link",
        )
    expires_text, _, mac = token.partition(".")
    if not (expires_text.isascii() and expires_text.isdigit() and len(expires_text) <= 12 and mac):
        raise NotAllowed("this connect link is malformed")
    expires = int(expires_text)
    expected = _mac(secret_key, provider, venue_slug, expires)
    if not hmac.compare_digest(expected.encode("ascii"), mac.encode("utf-8", "replace")):
        raise NotAllowed(f"this connect link was not issued by barback for {venue_slug}")
    expires_at = datetime.fromtimestamp(expires, UTC)
    if _aware(now) >= expires_at:
        raise NotAllowed(
            "this connect link has expired",
            hint=f"run `connect {provider}` in barback for a fresh link",
        )
    return expires_at


def _mac(secret_key: str | bytes, provider: str, venue_slug: str, expires: int) -> str:
    raw = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    if not raw:
        raise ValueError("a connect link needs a secret key")
    key = hmac.new(raw, _PURPOSE, hashlib.sha256).digest()
    message = f"{provider}\n{venue_slug}\n{expires}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at
