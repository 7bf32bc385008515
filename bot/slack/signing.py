"""Slack's request signature (v0), computed as Slack does, for requests we send to ourselves.

Slack signs each request it sends: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the
app's signing secret, in the headers `X-Slack-Request-Timestamp` and `X-Slack-Signature`
(slack-platform.md §2.1). Bolt verifies incoming requests itself (`AsyncRequestVerification`); these
helpers produce what Bolt expects: tests drive the real app with them, and so can a local replay of
a captured request. The signature covers the exact bytes sent, so sign the body you will send.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["SIGNATURE_HEADER", "TIMESTAMP_HEADER", "sign", "signed_headers"]

TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
FORM = "application/x-www-form-urlencoded"


def sign(secret: str, timestamp: int | str, body: str | bytes) -> str:
    """`v0=<hex>`: the value of `X-Slack-Signature` for `body` sent at `timestamp` (epoch s)."""
    raw = body if isinstance(body, bytes) else body.encode("utf-8")
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + raw
    return "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str,
    body: str | bytes,
    *,
    timestamp: int | None = None,
    content_type: str = FORM,
) -> dict[str, str]:
    """Content type, timestamp and signature headers for `body`; now, unless `timestamp` is given
    (Bolt refuses a timestamp more than five minutes from its clock)."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": content_type,
        TIMESTAMP_HEADER: str(ts),
        SIGNATURE_HEADER: sign(secret, ts, body),
    }
