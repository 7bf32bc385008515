"""Toast's webhook signature (Toast's "Message signing" guide).

`Toast-Signature` = base64(HMAC-SHA256(webhook secret, raw body + timestamp)), where the
timestamp is the message's own `timestamp` field, as written in the body (Toast signs the body
and the timestamp concatenated; no header carries the time). The secret is the subscription's
(`TOAST_WEBHOOK_SECRET`), one per subscription and environment.

Because the timestamp is signed, a captured message can be refused once it is old: Toast
resends a failed message 5 and then 10 minutes later, so `TOLERANCE` (30 minutes) lets every
retry through with room for clocks that disagree, and nothing much older. A timestamp more than
`FUTURE_SKEW` ahead is refused too. The body must be read as JSON to find the timestamp; it is
not trusted for anything else until the signature matches.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from integrations.errors import SignatureInvalid

HEADER = "Toast-Signature"
TOLERANCE = timedelta(minutes=30)
FUTURE_SKEW = timedelta(minutes=5)


def sign(secret: str, raw_body: bytes, timestamp: str) -> str:
    """The header value Toast sends with `raw_body` (for the fake and tests)."""
    message = raw_body + timestamp.encode("utf-8")
    mac = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def verify(secret: str, raw_body: bytes, header_value: str | None, now: datetime) -> None:
    """Return quietly when `header_value` signs `raw_body` and its timestamp is within the
    tolerance of `now`; else raise `SignatureInvalid` (never naming the secret or the value)."""
    if not secret:
        # An empty secret would make every signature computable by anyone.
        raise SignatureInvalid("no Toast webhook secret is configured")
    if header_value is None or not header_value.strip():
        raise SignatureInvalid(f"missing {HEADER} header")
    timestamp = _timestamp(raw_body)
    expected = sign(secret, raw_body, timestamp).encode("ascii")
    given = header_value.strip().encode("ascii", errors="replace")
    if not hmac.compare_digest(expected, given):
        raise SignatureInvalid(f"{HEADER} does not match the body and its timestamp")
    try:
        at = datetime.fromisoformat(timestamp)
    except ValueError:
        raise SignatureInvalid("the message's timestamp is not an ISO 8601 time") from None
    if at.tzinfo is None:
        raise SignatureInvalid("the message's timestamp has no offset")
    age = now - at
    if age > TOLERANCE:
        raise SignatureInvalid(f"the message is {int(age.total_seconds())} s old (over 30 minutes)")
    if -age > FUTURE_SKEW:
        raise SignatureInvalid("the message's timestamp is in the future")


def _timestamp(raw_body: bytes) -> str:
    """The body's `timestamp`, as written: what Toast appended before signing."""
    try:
        body = json.loads(raw_body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise SignatureInvalid("the body is not JSON, so it carries no signed timestamp") from None
    timestamp = body.get("timestamp") if isinstance(body, dict) else None
    if not isinstance(timestamp, str) or not timestamp:
        raise SignatureInvalid("the body has no timestamp, so it cannot be verified")
    return timestamp
