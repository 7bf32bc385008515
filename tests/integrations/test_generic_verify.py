"""`Barback-Signature` vectors: the golden value was computed with openssl, not with our code:

printf '1795000000.{"event_id":"evt-1"}' | openssl dgst -sha256 -hmac 'whsec_test'
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from integrations.errors import SignatureInvalid
from integrations.generic.verify import sign, verify

SECRET = "whsec_test"
BODY = b'{"event_id":"evt-1"}'
T = 1_795_000_000
GOLDEN = "be00be7550c7ec27940ec88eb6bc60361abc23c2d38f54a1bc3d2ae3d3e419ed"
NOW = datetime.fromtimestamp(T, UTC)


def test_sign_matches_the_openssl_vector() -> None:
    assert sign(SECRET, BODY, T) == f"t={T},v1={GOLDEN}"


@pytest.mark.parametrize(
    "header",
    [
        f"t={T},v1={GOLDEN}",
        f"t={T}, v1={GOLDEN.upper()}",
        f"v1={GOLDEN},t={T}",
        f"t={T},v0=ignored,v1={'0' * 64},v1={GOLDEN}",  # a sender rotating its secret
    ],
)
def test_a_good_signature_passes(header: str) -> None:
    verify(SECRET, header, BODY, NOW)


@pytest.mark.parametrize("offset", [timedelta(minutes=5), -timedelta(minutes=5)])
def test_five_minutes_either_way_is_still_fresh(offset: timedelta) -> None:
    verify(SECRET, sign(SECRET, BODY, T), BODY, NOW + offset)


@pytest.mark.parametrize(
    ("header", "body", "now", "reason"),
    [
        (None, BODY, NOW, "missing Barback-Signature header"),
        ("  ", BODY, NOW, "missing Barback-Signature header"),
        ("garbage", BODY, NOW, "malformed"),
        (f"v1={GOLDEN}", BODY, NOW, "no timestamp"),
        (f"t={T}", BODY, NOW, "no v1 signature"),
        (f"t=-5,v1={GOLDEN}", BODY, NOW, "not unix seconds"),
        (f"t={T},v1={GOLDEN}", BODY + b" ", NOW, "does not match"),
        (f"t={T + 1},v1={GOLDEN}", BODY, NOW, "does not match"),
        (f"t={T},v1={GOLDEN}", BODY, NOW + timedelta(seconds=301), "301 s old"),
        (f"t={T},v1={GOLDEN}", BODY, NOW - timedelta(seconds=301), "in the future"),
    ],
)
def test_a_bad_signature_is_refused(
    header: str | None, body: bytes, now: datetime, reason: str
) -> None:
    with pytest.raises(SignatureInvalid, match=reason) as refused:
        verify(SECRET, header, body, now)
    assert SECRET not in str(refused.value) and GOLDEN not in str(refused.value)


def test_another_secret_does_not_verify() -> None:
    with pytest.raises(SignatureInvalid, match="does not match"):
        verify("whsec_other", sign(SECRET, BODY, T), BODY, NOW)
