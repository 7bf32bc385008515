"""Shopify's OAuth install flow, the pure parts (pos-formats.md §4.7).

- `authorize_url`: where barback sends the manager: the shop's own
  `/admin/oauth/authorize?client_id=..&scope=..&redirect_uri=..&state=..`. No `grant_options[]`:
  barback wants the offline token (the default), which works without anyone logged in.
  Scopes: `read_orders` (Shopify shows an app the last 60 days of orders, plenty for
  reconciliation) and `read_locations` (to bind the shop's locations).
- `issue_state` / `verify_state`: the `state` parameter (`integrations.oauth_state`), binding
  the venue, the shop the manager named and a random nonce. The callback is refused unless its
  `shop` is the state's shop (so a code from another shop cannot be bound to this venue), and
  the caller refuses a nonce already used (`oauth_states`).
- `check_timestamp`: the callback's signed `timestamp` must be recent.
- `needs_refresh`: expiring offline tokens live an hour; refresh once fewer than 5 minutes remain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from integrations import oauth_state
from integrations.errors import SignatureInvalid

SCOPES = ("read_orders", "read_locations")
STATE_TTL = timedelta(minutes=10)
CALLBACK_TOLERANCE = timedelta(hours=1)
REFRESH_MARGIN = timedelta(minutes=5)


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
    """A state for `venue` and `shop`, valid until `now + ttl`."""
    if not venue or not shop:
        raise ValueError("a state needs a venue and a shop")
    return oauth_state.sign(
        key, "shopify", [venue, shop], oauth_state.aware(now) + ttl, nonce=nonce
    )


def verify_state(key: bytes | str, state: str, now: datetime) -> OAuthState:
    """What a state was issued for; raises `StateInvalid`."""
    signed = oauth_state.verify(key, "shopify", state, now, fields=2, pos="shopify")
    venue, shop = signed.fields
    return OAuthState(venue=venue, shop=shop, nonce=signed.nonce, expires_at=signed.expires_at)


def check_timestamp(
    value: str | None, now: datetime, *, tolerance: timedelta = CALLBACK_TOLERANCE
) -> None:
    """Refuse (`SignatureInvalid`) a redirect whose signed `timestamp` (unix seconds) is missing
    or further than `tolerance` from `now`: a captured callback URL does not stay usable."""
    text = (value or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 12):
        raise SignatureInvalid("the redirect carries no valid timestamp")
    at = datetime.fromtimestamp(int(text), UTC)
    if abs(oauth_state.aware(now) - at) > tolerance:
        raise SignatureInvalid("the redirect is stale; start again")


def needs_refresh(
    expires_at: datetime, now: datetime, *, margin: timedelta = REFRESH_MARGIN
) -> bool:
    """True when the access token expires within `margin` of `now` (or already has)."""
    return oauth_state.needs_refresh(expires_at, now, margin=margin)
