"""Square's OAuth code flow, the pure parts (pos-formats.md §1.8).

- `authorize_url`: where `connect square` sends the manager. `session=false` makes Square ask
  the seller to sign in rather than reuse a browser session (Square's recommendation for
  production); scopes are the read-only four barback needs.
- `issue_state` / `verify_state`: the `state` parameter, an HMAC-signed, expiring token binding
  the venue slug and a random nonce, so the callback knows which venue connected and a forged or
  stale callback is refused. Only the caller can tell a *reused* state: it stores each state
  (data-model.md, `oauth_states`) and refuses one already marked used.
- `needs_refresh`: access tokens live 30 days; Square asks apps to refresh every 7 days or less
  (developer.squareup.com/docs/oauth-api/refresh-revoke-limit-scope), so by default a token is
  refreshed once fewer than 23 days remain.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from integrations.errors import StateInvalid

SCOPES = ("ORDERS_READ", "PAYMENTS_READ", "ITEMS_READ", "MERCHANT_PROFILE_READ")
STATE_TTL = timedelta(minutes=10)
REFRESH_MARGIN = timedelta(days=23)
_PURPOSE = b"barback oauth state: square\n"  # a state signed for another use never verifies


@dataclass(frozen=True, slots=True)
class OAuthState:
    venue: str
    nonce: str
    expires_at: datetime


def authorize_url(
    base_url: str,
    client_id: str,
    state: str,
    *,
    scopes: Sequence[str] = SCOPES,
    redirect_uri: str | None = None,
) -> str:
    """`{base}/oauth2/authorize?client_id=..&scope=A+B&session=false&state=..` (spaces in
    `scope` are sent as `+`; the parameter is `scope`, a typo silently grants default scopes)."""
    query = {"client_id": client_id, "scope": " ".join(scopes), "session": "false", "state": state}
    if redirect_uri is not None:
        query["redirect_uri"] = redirect_uri
    return f"{base_url.rstrip('/')}/oauth2/authorize?{urlencode(query)}"


def issue_state(
    key: bytes | str, venue: str, now: datetime, *, ttl: timedelta = STATE_TTL, nonce: str = ""
) -> str:
    """A state for `venue`, valid until `now + ttl`: `<venue>.<nonce>.<expiry>.<mac>`, every part
    URL-safe. `nonce` defaults to 128 random bits."""
    if not venue:
        raise ValueError("a state needs a venue")
    nonce = nonce or secrets.token_urlsafe(16)
    if "." in nonce:
        raise ValueError("a nonce may not contain '.'")
    expires = int((_aware(now) + ttl).timestamp())
    payload = f"{_b64(venue.encode('utf-8'))}.{nonce}.{expires}"
    return f"{payload}.{_mac(key, payload)}"


def verify_state(key: bytes | str, state: str, now: datetime) -> OAuthState:
    """The venue and nonce a state was issued for; raises `StateInvalid` when it was not signed
    with `key` (forged or tampered) or has expired. The message never holds the state itself."""
    parts = state.split(".")
    if len(parts) != 4:
        raise StateInvalid("the OAuth state is malformed")
    venue_part, nonce, expires_text, mac = parts
    payload = f"{venue_part}.{nonce}.{expires_text}"
    if not hmac.compare_digest(_mac(key, payload).encode(), mac.encode("ascii", "replace")):
        raise StateInvalid("the OAuth state was not issued by barback")
    try:
        venue = _unb64(venue_part).decode("utf-8")
        expires_at = datetime.fromtimestamp(int(expires_text), UTC)
    except (ValueError, binascii.Error):
        raise StateInvalid("the OAuth state is malformed") from None
    if _aware(now) >= expires_at:
        raise StateInvalid("the OAuth state has expired; run connect square again")
    return OAuthState(venue=venue, nonce=nonce, expires_at=expires_at)


def needs_refresh(
    expires_at: datetime, now: datetime, *, margin: timedelta = REFRESH_MARGIN
) -> bool:
    """True when the access token expires within `margin` of `now` (or already has)."""
    return _aware(expires_at) - _aware(now) < margin


def _mac(key: bytes | str, payload: str) -> str:
    raw_key = key.encode("utf-8") if isinstance(key, str) else key
    if not raw_key:
        raise ValueError("an OAuth state key may not be empty")
    digest = hmac.new(raw_key, _PURPOSE + payload.encode("utf-8"), hashlib.sha256).digest()
    return _b64(digest)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at
