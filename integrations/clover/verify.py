"""Clover's webhook authentication (pos-formats.md §3.1-3.2) and its URL verification handshake.

Clover signs nothing: every delivery carries `X-Clover-Auth`, a static code shown in the
Developer Dashboard once the webhook URL is verified (`CLOVER_WEBHOOK_AUTH_CODE`). It is compared
in constant time. With no integrity or replay protection in the header, barback treats a delivery
as a hint only: what it books is always re-fetched from Clover's API with the merchant's token.

The handshake: when the developer clicks "Send Verification Code", Clover posts
`{"verificationCode": "<uuid>"}` to the URL, before any auth code exists, and the code must be
pasted into the dashboard. So a small body of exactly that shape is recognised *before* the auth
check (the one exception to "verify first"): it is answered 200, logged so the operator can copy
the code, and stores nothing.
"""

from __future__ import annotations

import hmac
import json

from integrations.clover import limits
from integrations.errors import BadPayload, SignatureInvalid

HEADER = "X-Clover-Auth"
HANDSHAKE_KEY = "verificationCode"
MAX_HANDSHAKE_BYTES = 512  # `{"verificationCode":"<36-character uuid>"}` is 58 bytes


def verify(auth_code: str | None, header_value: str | None) -> None:
    """Return quietly when the header carries the configured auth code; else `SignatureInvalid`
    (the message never holds either value)."""
    if not auth_code:
        raise SignatureInvalid(
            "no Clover webhook auth code is configured (set CLOVER_WEBHOOK_AUTH_CODE once the "
            "webhook URL is verified)"
        )
    if header_value is None or not header_value.strip():
        raise SignatureInvalid(f"missing {HEADER} header")
    given = header_value.strip().encode("utf-8", errors="replace")
    if not hmac.compare_digest(auth_code.encode("utf-8"), given):
        raise SignatureInvalid(f"{HEADER} is not the configured auth code")


def handshake_code(raw_body: bytes) -> str | None:
    """The `verificationCode` when the body is Clover's URL verification, else None. A body that
    is the handshake's shape with a malformed code is a `BadPayload`."""
    if len(raw_body) > MAX_HANDSHAKE_BYTES or HANDSHAKE_KEY.encode() not in raw_body:
        return None
    try:
        body = json.loads(raw_body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(body, dict) or set(body) != {HANDSHAKE_KEY}:
        return None
    code = body[HANDSHAKE_KEY]
    if not isinstance(code, str) or not limits.VERIFICATION_CODE.match(code):
        raise BadPayload(f"{HANDSHAKE_KEY} must be 1 to 128 letters, digits or dashes")
    return code
