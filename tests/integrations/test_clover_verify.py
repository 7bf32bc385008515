"""`X-Clover-Auth` and the URL verification handshake, with the spec's samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from integrations.clover.verify import handshake_code, verify
from integrations.errors import BadPayload, SignatureInvalid

SAMPLES = Path(__file__).resolve().parent / "samples"
SAMPLE = json.loads((SAMPLES / "clover_webhook.json").read_text())
CODE = SAMPLE["_http_headers"]["X-Clover-Auth"]


def test_the_configured_auth_code_passes() -> None:
    verify(CODE, CODE)
    verify(CODE, f" {CODE} ")  # a proxy's stray whitespace


@pytest.mark.parametrize(
    ("configured", "given", "reason"),
    [
        (CODE, None, "missing X-Clover-Auth"),
        (CODE, "  ", "missing X-Clover-Auth"),
        (CODE, CODE[:-1] + "9", "not the configured auth code"),
        (CODE, "é" * 36, "not the configured auth code"),
        (None, CODE, "no Clover webhook auth code is configured"),
        ("", CODE, "no Clover webhook auth code is configured"),
    ],
)
def test_anything_else_is_refused_without_echoing_a_code(
    configured: str | None, given: str | None, reason: str
) -> None:
    with pytest.raises(SignatureInvalid) as refused:
        verify(configured, given)
    assert reason in refused.value.reason
    assert CODE not in refused.value.reason


def test_the_handshake_sample_is_recognised() -> None:
    raw = (SAMPLES / "clover_webhook_verification.json").read_bytes()
    body = json.loads(raw)
    del body["_source"]  # an annotation of the sample, not part of Clover's body
    assert handshake_code(json.dumps(body).encode()) == "5220ecf5-7dea-4396-b0ba-a1659c182887"


@pytest.mark.parametrize(
    "body",
    [
        b'{"appId":"DRKVJT2ZRRRSC","merchants":{}}',
        b'{"verificationCode":"abc","merchants":{}}',  # not the handshake's shape
        b"not json but verificationCode",
        b'{"verificationCode":"' + b"a" * 600 + b'"}',  # too big to be one
    ],
)
def test_other_bodies_are_not_the_handshake(body: bytes) -> None:
    assert handshake_code(body) is None


@pytest.mark.parametrize("code", ["", "has space", "x" * 129, 42])
def test_a_malformed_code_in_the_handshake_shape_is_refused(code: object) -> None:
    with pytest.raises(BadPayload):
        handshake_code(json.dumps({"verificationCode": code}).encode())
