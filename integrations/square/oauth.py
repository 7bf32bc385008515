"""Square's OAuth code flow, the pure parts (pos-formats.md §1.8).

- `authorize_url`: where `connect square` sends the manager. `session=false` makes Square ask
  the seller to sign in rather than reuse a browser session (Square's recommendation for
  production); scopes are the read-only four barback needs.
- `issue_state` / `verify_state`: the `state` parameter (`integrations.oauth_state`), binding the
  venue slug and a random nonce, so the callback knows which venue connected and a forged or
  stale callback is refused. Only the caller can tell a *reused* state: it stores each state
  (`oauth_states`) and refuses one already marked used.
- `needs_refresh`: access tokens live 30 days; Square asks apps to refresh every 7 days or less
  (developer.squareup.com/docs/oauth-api/refresh-revoke-limit-scope), so by default a token is
  refreshed once fewer than 23 days remain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from integrations import oauth_state

SCOPES = ("ORDERS_READ", "PAYMENTS_READ", "ITEMS_READ", "MERCHANT_PROFILE_READ")
STATE_TTL = timedelta(minutes=10)
REFRESH_MARGIN = timedelta(days=23)


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
    """A state for `venue`, valid until `now + ttl`."""
    if not venue:
        raise ValueError("a state needs a venue")
    return oauth_state.sign(key, "square", [venue], oauth_state.aware(now) + ttl, nonce=nonce)


def verify_state(key: bytes | str, state: str, now: datetime) -> OAuthState:
    """The venue and nonce a state was issued for; raises `StateInvalid`."""
    signed = oauth_state.verify(key, "square", state, now, fields=1, pos="square")
    return OAuthState(venue=signed.fields[0], nonce=signed.nonce, expires_at=signed.expires_at)


def needs_refresh(
    expires_at: datetime, now: datetime, *, margin: timedelta = REFRESH_MARGIN
) -> bool:
    """True when the access token expires within `margin` of `now` (or already has)."""
    return oauth_state.needs_refresh(expires_at, now, margin=margin)
