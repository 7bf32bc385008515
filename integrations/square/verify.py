"""Square's webhook signature (pos-formats.md §1.4; Square's docs/webhooks/step3validate).

`x-square-hmacsha256-signature` = base64(HMAC-SHA256(signature key, notification URL + raw body)).
The key is the subscription's signature key (not an OAuth token), as UTF-8. The URL is the one the
subscription was registered with, byte for byte (`SQUARE_WEBHOOK_URL`): scheme, host, path, a
trailing slash and a query all count, so it comes from configuration, never from the request
(a proxy may rewrite what we see). Nothing in the signed string is a time: replays are stopped by
deduping `event_id`. The legacy `x-square-signature` (HMAC-SHA1) is ignored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from integrations.errors import SignatureInvalid

HEADER = "x-square-hmacsha256-signature"


def sign(signature_key: str, notification_url: str, raw_body: bytes) -> str:
    """The header value Square sends with `raw_body` (for tests, the demo and the fake)."""
    message = notification_url.encode("utf-8") + raw_body
    mac = hmac.new(signature_key.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def verify(
    signature_key: str, notification_url: str, raw_body: bytes, header_value: str | None
) -> None:
    """Return quietly when `header_value` signs `raw_body` for `notification_url`; else raise
    `SignatureInvalid` (the message never holds the key or the expected value)."""
    if not signature_key:
        # An unset key would make every signature computable by anyone.
        raise SignatureInvalid("no Square signature key is configured")
    if not notification_url:
        raise SignatureInvalid("no Square notification URL is configured")
    if header_value is None or not header_value.strip():
        raise SignatureInvalid(f"missing {HEADER} header")
    expected = sign(signature_key, notification_url, raw_body).encode("ascii")
    # compare_digest needs ASCII on both sides; a non-ASCII header is simply wrong.
    given = header_value.strip().encode("ascii", errors="replace")
    if not hmac.compare_digest(expected, given):
        raise SignatureInvalid(f"{HEADER} does not match the body and notification URL")
