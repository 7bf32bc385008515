"""Shopify's OAuth install flow, the pure parts (pos-formats.md §4.7).

- `authorize_url`: where barback sends the manager: the shop's own
  `/admin/oauth/authorize?client_id=..&scope=..&redirect_uri=..&state=..`. No `grant_options[]`:
  barback wants the offline token (the default), which works without anyone logged in.
  Scopes: `read_orders` (Shopify shows an app the last 60 days of orders, plenty for
  reconciliation) and `read_locations` (to bind the shop's locations).
- `issue_state` / `verify_state`: the `state` parameter, an HMAC-signed, expiring token binding
  the venue, the shop the manager named and a random nonce. The callback is refused unless its
  `shop` is the state's shop (so a code from another shop cannot be bound to this venue), and
  the caller refuses a nonce already used (`oauth_states`).
- `check_timestamp`: the callback's signed `timestamp` must be recent.
- `needs_refresh`: expiring offline tokens live an hour; refresh once fewer than 5 minutes remain.
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

from integrations.errors import SignatureInvalid, StateInvalid

SCOPES = ("read_orders", "read_locations")
STATE_TTL = timedelta(minutes=10)
CALLBACK_TOLERANCE = timedelta(hours=1)
REFRESH_MARGIN = timedelta(minutes=5)
_PURPOSE = b"barback oauth state: shopify\n"  # a state signed for another use never verifies


@dataclass(frozen=True, slots=True)
class OAuthState:
    venue: str
    shop: str
    nonce: str
    expires_at: datetime


def authorize_url(
    admin_base: str,
    client_id: str,
    state: str,
    redirect_uri: str,
    *,
    scopes: Sequence[str] = SCOPES,
) -> str:
    query = {
        "client_id": client_id,
        "scope": ",".join(scopes),
        "redirect_uri": redirect_uri,
        "state": state,
    }
    return f"{admin_base.rstrip('/')}/admin/oauth/authorize?{urlencode(query)}"


def issue_state(
    key: bytes | str,
    venue: str,
    shop: str,
    now: datetime,
    *,
    ttl: timedelta = STATE_TTL,
    nonce: str = "",
) -> str:
    """A state for `venue` and `shop`, valid until `now + ttl`:
    `<venue>.<shop>.<nonce>.<expiry>.<mac>`, every part URL-safe."""
    if not venue or not shop:
        raise ValueError("a state needs a venue and a shop")
    nonce = nonce or secrets.token_urlsafe(16)
    if "." in nonce:
        raise ValueError("a nonce may not contain '.'")
    expires = int((_aware(now) + ttl).timestamp())
    payload = f"{_b64(venue.encode())}.{_b64(shop.encode())}.{nonce}.{expires}"
    return f"{payload}.{_mac(key, payload)}"


def verify_state(key: bytes | str, state: str, now: datetime) -> OAuthState:
    """What a state was issued for; raises `StateInvalid` when barback did not sign it with `key`
    or it has expired. The message never holds the state itself."""
    parts = state.split(".")
    if len(parts) != 5:
        raise StateInvalid("the OAuth state is malformed")
    venue_part, shop_part, nonce, expires_text, mac = parts
    payload = f"{venue_part}.{shop_part}.{nonce}.{expires_text}"
    if not hmac.compare_digest(_mac(key, payload).encode(), mac.encode("ascii", "replace")):
        raise StateInvalid("the OAuth state was not issued by barback")
    try:
        venue = _unb64(venue_part).decode("utf-8")
        shop = _unb64(shop_part).decode("utf-8")
        expires_at = datetime.fromtimestamp(int(expires_text), UTC)
    except (ValueError, binascii.Error):
        raise StateInvalid("the OAuth state is malformed") from None
    if _aware(now) >= expires_at:
        raise StateInvalid("the OAuth state has expired; run connect shopify again")
    return OAuthState(venue=venue, shop=shop, nonce=nonce, expires_at=expires_at)


def check_timestamp(
    value: str | None, now: datetime, *, tolerance: timedelta = CALLBACK_TOLERANCE
) -> None:
    """Refuse (`SignatureInvalid`) a redirect whose signed `timestamp` (unix seconds) is missing
    or further than `tolerance` from `now`: a captured callback URL does not stay usable."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise SignatureInvalid("the redirect carries no valid timestamp")
    at = datetime.fromtimestamp(int(text), UTC)
    if abs(_aware(now) - at) > tolerance:
        raise SignatureInvalid("the redirect is stale; start again")


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
