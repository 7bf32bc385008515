"""The `Barback-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`.

The scheme is Stripe's: the timestamp is signed with the body, so a captured delivery cannot be
replayed after `TOLERANCE` (5 minutes, webhooks.md). The venue's webhook secret (as printed by
`barback venue secret`, `whsec_...`) is the HMAC key, as UTF-8 bytes.

Decisions where the spec is silent:
- Several `v1=` entries may be sent (a sender rotating its secret); any one matching is enough.
- A timestamp more than `TOLERANCE` in the future is refused too (a sender's clock that far ahead
  would otherwise make a signature live for longer than 5 minutes).
- Unknown keys (`v0=`, a future `v2=`) are ignored, as Stripe does.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from integrations.errors import SignatureInvalid

HEADER = "Barback-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, t: int) -> str:
    """The header value a sender puts on `body` at unix time `t`."""
    return f"t={t},v1={_digest(secret, t, body)}"


def verify(secret: str, header: str | None, raw_body: bytes, now: datetime) -> None:
    """Return quietly when `header` signs `raw_body` with `secret` within the tolerance of `now`;
    else raise `SignatureInvalid` naming what was wrong (never the secret or the expected value)."""
    if not header or not header.strip():
        raise SignatureInvalid(f"missing {HEADER} header")
    t, signatures = _parse(header)
    age = int(now.timestamp()) - t
    if age > TOLERANCE_SECONDS:
        raise SignatureInvalid(f"{HEADER} timestamp is {age} s old (more than 5 minutes)")
    if -age > TOLERANCE_SECONDS:
        raise SignatureInvalid(f"{HEADER} timestamp is {-age} s in the future")
    expected = _digest(secret, t, raw_body)
    # compare_digest on every candidate, no early exit: the time taken says nothing.
    matched = [hmac.compare_digest(expected, candidate) for candidate in signatures]
    if not any(matched):
        raise SignatureInvalid(f"{HEADER} does not match the body")


def _digest(secret: str, t: int, body: bytes) -> str:
    message = str(t).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _parse(header: str) -> tuple[int, list[str]]:
    t: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise SignatureInvalid(f"{HEADER} is malformed: expected t=...,v1=...")
        if key == "t":
            if not value.isascii() or not value.isdigit():
                raise SignatureInvalid(f"{HEADER} timestamp is not unix seconds")
            t = int(value)
        elif key == "v1":
            signatures.append(value.strip().lower())
    if t is None:
        raise SignatureInvalid(f"{HEADER} has no timestamp (t=...)")
    if not signatures:
        raise SignatureInvalid(f"{HEADER} has no v1 signature")
    return t, signatures
