"""The OAuth `state` every POS's consent flow sends and checks, and when a token wants refreshing.

A state is `<field>...<nonce>.<expiry>.<mac>`, every part URL-safe: the fields (the venue's slug,
Shopify's shop) in unpadded base64url, a random nonce, the expiry in unix seconds, and an
HMAC-SHA256 over the rest under the service's key and the POS's `purpose` (a state signed for
Square never verifies for Shopify). So a forged, tampered or stale callback is refused before the
database is asked; only the caller can tell a *reused* one, by the nonce it stored
(`oauth_states`). Errors never quote the state.
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

from integrations.errors import StateInvalid


@dataclass(frozen=True, slots=True)
class SignedState:
    fields: tuple[str, ...]
    nonce: str
    expires_at: datetime


def sign(
    key: bytes | str, purpose: str, fields: Sequence[str], expires_at: datetime, *, nonce: str = ""
) -> str:
    """A state holding `fields`, valid until `expires_at`. `nonce` defaults to 128 random bits."""
    nonce = nonce or secrets.token_urlsafe(16)
    if "." in nonce:
        raise ValueError("a nonce may not contain '.'")
    expires = int(aware(expires_at).timestamp())
    payload = ".".join([*(_b64(field.encode("utf-8")) for field in fields), nonce, str(expires)])
    return f"{payload}.{_mac(key, purpose, payload)}"


def verify(
    key: bytes | str, purpose: str, state: str, now: datetime, *, fields: int, pos: str
) -> SignedState:
    """The fields, nonce and expiry of a state barback signed for `purpose`; raises
    `StateInvalid` when it is malformed, was not signed with `key`, or has expired (then the
    message says to run `connect <pos>` again)."""
    parts = state.split(".")
    if len(parts) != fields + 3:
        raise StateInvalid("the OAuth state is malformed")
    *encoded, nonce, expires_text, mac = parts
    payload = ".".join([*encoded, nonce, expires_text])
    if not hmac.compare_digest(
        _mac(key, purpose, payload).encode(), mac.encode("utf-8", "replace")
    ):
        raise StateInvalid("the OAuth state was not issued by barback")
    try:
        values = tuple(_unb64(part).decode("utf-8") for part in encoded)
        if not (expires_text.isascii() and expires_text.isdigit() and len(expires_text) <= 12):
            raise ValueError("not an expiry")
        expires_at = datetime.fromtimestamp(int(expires_text), UTC)
    except (ValueError, binascii.Error):
        raise StateInvalid("the OAuth state is malformed") from None
    if aware(now) >= expires_at:
        raise StateInvalid(f"the OAuth state has expired; run connect {pos} again")
    return SignedState(values, nonce, expires_at)


def needs_refresh(expires_at: datetime, now: datetime, *, margin: timedelta) -> bool:
    """True when an access token expires within `margin` of `now` (or already has)."""
    return aware(expires_at) - aware(now) < margin


def aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at


def _mac(key: bytes | str, purpose: str, payload: str) -> str:
    raw_key = key.encode("utf-8") if isinstance(key, str) else key
    if not raw_key:
        raise ValueError("an OAuth state key may not be empty")
    message = f"barback oauth state: {purpose}\n{payload}".encode()
    return _b64(hmac.new(raw_key, message, hashlib.sha256).digest())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
