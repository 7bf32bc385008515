"""Shopify's two signatures, both HMAC-SHA256 keyed with the app's client secret (as UTF-8).

Webhooks (pos-formats.md §4.3): `X-Shopify-Hmac-Sha256` = base64(HMAC(secret, raw body)). Nothing
else is signed: no URL, no time. Replays are stopped by deduping `X-Shopify-Webhook-Id`, and
deliveries far older than Shopify's retry window by the envelope (`envelope.STALE_AFTER`).

Redirects (the OAuth callback, the app URL Shopify opens on install): `hmac` = hex(HMAC(secret,
message)), where the message is every other query parameter as `key=value`, sorted, joined by
`&`. Shopify escapes inside keys and values so the joins stay unambiguous: `%` as `%25` and `&`
as `%26`, and `=` in keys as `%3D`. The legacy `signature` parameter (app proxies) is not part of
the message. A parameter given twice is refused: Shopify never sends one, and which value it
signed would be a guess.

Both compares are constant-time; no message ever holds the secret or the expected value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable

from integrations.errors import SignatureInvalid

HEADER = "X-Shopify-Hmac-Sha256"
QUERY_PARAM = "hmac"
_UNSIGNED = frozenset({"hmac", "signature"})


def sign(client_secret: str, raw_body: bytes) -> str:
    """The `X-Shopify-Hmac-Sha256` value Shopify sends with `raw_body` (tests, the fake)."""
    mac = hmac.new(client_secret.encode("utf-8"), raw_body, hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def verify(client_secret: str, raw_body: bytes, header_value: str | None) -> None:
    """Return quietly when `header_value` signs `raw_body`; else raise `SignatureInvalid`."""
    if not client_secret:
        # An unset secret would make every signature computable by anyone.
        raise SignatureInvalid("no Shopify client secret is configured")
    if header_value is None or not header_value.strip():
        raise SignatureInvalid(f"missing {HEADER} header")
    expected = sign(client_secret, raw_body).encode("ascii")
    given = header_value.strip().encode("ascii", errors="replace")
    if not hmac.compare_digest(expected, given):
        raise SignatureInvalid(f"{HEADER} does not match the body")


def query_message(params: Iterable[tuple[str, str]]) -> str:
    """The string Shopify signs for a redirect's query parameters (`hmac` left out)."""
    pairs: list[str] = []
    seen: set[str] = set()
    for key, value in params:
        if key in _UNSIGNED:
            continue
        if key in seen:
            raise SignatureInvalid(f"the query names {key!r} twice")
        seen.add(key)
        pairs.append(f"{_escape(key, is_key=True)}={_escape(value, is_key=False)}")
    return "&".join(sorted(pairs))


def sign_query(client_secret: str, params: Iterable[tuple[str, str]]) -> str:
    """The `hmac` Shopify adds to a redirect carrying `params` (tests, the fake)."""
    message = query_message(params).encode("utf-8")
    return hmac.new(client_secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def verify_query(client_secret: str, params: Iterable[tuple[str, str]]) -> None:
    """Return quietly when the query's `hmac` signs its other parameters; else raise
    `SignatureInvalid`."""
    if not client_secret:
        raise SignatureInvalid("no Shopify client secret is configured")
    listed = list(params)
    given = [value for key, value in listed if key == QUERY_PARAM]
    if len(given) != 1 or not given[0]:
        raise SignatureInvalid("the redirect is not signed by Shopify (no hmac)")
    expected = sign_query(client_secret, listed).encode("ascii")
    if not hmac.compare_digest(expected, given[0].strip().lower().encode("ascii", "replace")):
        raise SignatureInvalid("the redirect's hmac does not match its parameters")


def _escape(text: str, *, is_key: bool) -> str:
    escaped = text.replace("%", "%25").replace("&", "%26")
    return escaped.replace("=", "%3D") if is_key else escaped
