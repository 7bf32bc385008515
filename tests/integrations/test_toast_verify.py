"""`Toast-Signature`: base64(HMAC-SHA256(secret, raw body + the body's timestamp)), fresh."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from integrations.errors import SignatureInvalid
from integrations.toast.verify import sign, verify

SECRET = "toast-subscription-secret"
NOW = datetime(2024, 5, 24, 2, 20, tzinfo=UTC)
STAMP = "2024-05-24T02:14:06.117Z"
BODY = json.dumps({"timestamp": STAMP, "guid": "534bf25a", "eventType": "order_updated"}).encode()


def test_the_signature_is_the_hmac_of_the_body_then_the_timestamp() -> None:
    # Worked independently of `sign`: the message is the raw bytes followed by the timestamp.
    digest = hmac.new(SECRET.encode(), BODY + STAMP.encode(), hashlib.sha256).digest()
    assert sign(SECRET, BODY, STAMP) == base64.b64encode(digest).decode()
    verify(SECRET, BODY, base64.b64encode(digest).decode(), NOW)


@pytest.mark.parametrize(
    ("body", "header", "now", "reason"),
    [
        (BODY, None, NOW, "missing Toast-Signature header"),
        (BODY, "  ", NOW, "missing Toast-Signature header"),
        (BODY, sign("another-secret", BODY, STAMP), NOW, "does not match"),
        (BODY + b" ", sign(SECRET, BODY, STAMP), NOW, "does not match"),  # one byte changed
        (BODY, sign(SECRET, BODY, "2024-05-24T02:14:06.118Z"), NOW, "does not match"),
        (BODY, sign(SECRET, BODY, STAMP), NOW + timedelta(minutes=31), "s old (over 30 minutes)"),
        (BODY, sign(SECRET, BODY, STAMP), NOW - timedelta(minutes=20), "in the future"),
        (b"not json", "x", NOW, "the body is not JSON"),
        (b'{"guid": "x"}', "x", NOW, "the body has no timestamp"),
        (b"[1, 2]", "x", NOW, "the body has no timestamp"),
        (BODY, "ñññ", NOW, "does not match"),
    ],
)
def test_a_bad_missing_or_stale_signature_is_refused(
    body: bytes, header: str | None, now: datetime, reason: str
) -> None:
    with pytest.raises(SignatureInvalid) as refused:
        verify(SECRET, body, header, now)
    assert reason in refused.value.reason
    assert SECRET not in str(refused.value)


def test_retries_within_half_an_hour_are_fresh() -> None:
    # Toast resends 5 and then 10 minutes after a failed attempt: the same message, still good.
    header = sign(SECRET, BODY, STAMP)
    for minutes in (0, 5, 15, 29):
        verify(SECRET, BODY, header, datetime(2024, 5, 24, 2, 14, 7, tzinfo=UTC) + timedelta(
            minutes=minutes))  # fmt: skip


def test_an_empty_secret_verifies_nothing() -> None:
    with pytest.raises(SignatureInvalid, match="no Toast webhook secret"):
        verify("", BODY, sign("", BODY, STAMP), NOW)
