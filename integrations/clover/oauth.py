"""Clover's v2 OAuth flow, the pure parts (pos-formats.md §3.6).

- `authorize_url`: where `connect clover` sends the manager:
  `<web host>/oauth/v2/authorize?client_id=..&redirect_uri=..&state=..`. Clover serves the consent
  page from its web host and the token endpoints from its API host (`www.clover.com` and
  `api.clover.com`, and likewise in Europe, Latin America and the sandbox), so the web host is
  derived from `CLOVER_BASE_URL`; any other base URL (a local fake) serves both. Permissions are
  the app's (Developer Dashboard), not a parameter.
- `issue_state` / `verify_state`: the `state` (`integrations.oauth_state`), signed and expiring
  (10 minutes), so a forged or stale callback is refused before the database is asked. The nonce
  is stored with the venue (`oauth_states`), which says which venue connected and refuses reuse.
- `needs_refresh`: Clover's access tokens expire and their lifetime is not fixed ("do not hard
  code"); one is refreshed once less than `REFRESH_MARGIN` remains, so a token handed out always
  has that long to live.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

from integrations import oauth_state

STATE_TTL = timedelta(minutes=10)
REFRESH_MARGIN = timedelta(minutes=10)
WEB_HOSTS = {
    "api.clover.com": "www.clover.com",
    "api.eu.clover.com": "www.eu.clover.com",
    "api.la.clover.com": "www.la.clover.com",
    "apisandbox.dev.clover.com": "sandbox.dev.clover.com",
}


@dataclass(frozen=True, slots=True)
class OAuthState:
    nonce: str
    expires_at: datetime


def web_base_url(api_base_url: str) -> str:
    """The host of the consent page for an API base URL (itself when it is not Clover's)."""
    parts = urlsplit(api_base_url.rstrip("/"))
    host = WEB_HOSTS.get(parts.hostname or "")
    return api_base_url.rstrip("/") if host is None else f"{parts.scheme}://{host}"


def authorize_url(api_base_url: str, client_id: str, state: str, redirect_uri: str) -> str:
    query = urlencode({"client_id": client_id, "redirect_uri": redirect_uri, "state": state})
    return f"{web_base_url(api_base_url)}/oauth/v2/authorize?{query}"


def issue_state(now: datetime, *, ttl: timedelta = STATE_TTL) -> OAuthState:
    """A fresh state: 128 random bits, valid until `now + ttl` (sent as `encode_state(...)`)."""
    return OAuthState(secrets.token_urlsafe(16), oauth_state.aware(now) + ttl)


def encode_state(key: bytes, state: OAuthState) -> str:
    return oauth_state.sign(key, "clover", [], state.expires_at, nonce=state.nonce)


def verify_state(key: bytes, text: str, now: datetime) -> OAuthState:
    """The state barback issued; raises `StateInvalid`."""
    signed = oauth_state.verify(key, "clover", text, now, fields=0, pos="clover")
    return OAuthState(signed.nonce, signed.expires_at)


def needs_refresh(
    expires_at: datetime, now: datetime, *, margin: timedelta = REFRESH_MARGIN
) -> bool:
    """True when the access token expires within `margin` of `now` (or already has)."""
    return oauth_state.needs_refresh(expires_at, now, margin=margin)
