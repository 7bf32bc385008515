"""Square's webhook signature: Square's own SDK vector, then every way a delivery can be wrong."""

from __future__ import annotations

import json

import pytest

from integrations.errors import SignatureInvalid
from integrations.square.verify import HEADER, sign, verify
from tests.integrations.fakes.square import deliver, payment_updated

# The vector of square/square-python-sdk tests/utilities/test_webhooks_helper.py: a signature
# Square itself produced, so `sign` is checked against Square, not against itself.
SDK_BODY = (
    b'{"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification",'
    b'"event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f",'
    b'"created_at":"2022-07-13T20:30:59.037339943Z",'
    b'"data":{"type":"webhooks","id":"bc368e64-01aa-407e-b46e-3231809b1129"}}'
)
SDK_SIGNATURE = "GF4YkrJgGBDZ9NIYbNXBnMzqb2HoL4RW/S6vkZ9/2N4="
SDK_KEY = "Ibxx_5AKakO-3qeNVR61Dw"
SDK_URL = "https://webhook.site/679a4f3a-dcfa-49ee-bac5-9d0edad886b9"

KEY = "sq-signature-key-for-tests"
URL = "https://bar.example.com/webhooks/square"


def test_sign_reproduces_squares_own_vector() -> None:
    assert sign(SDK_KEY, SDK_URL, SDK_BODY) == SDK_SIGNATURE


def test_squares_own_vector_verifies() -> None:
    verify(SDK_KEY, SDK_URL, SDK_BODY, SDK_SIGNATURE)


def test_a_delivery_signed_like_square_verifies() -> None:
    delivery = deliver(payment_updated("O-1"), signature_key=KEY, notification_url=URL)
    verify(KEY, URL, delivery.body, delivery.headers[HEADER])


@pytest.mark.parametrize(
    ("key", "url", "body", "header", "reason"),
    [
        (SDK_KEY, SDK_URL, SDK_BODY, "1z2n3DEJJiUPKcPzQo1ftvbxGdw=", "does not match"),
        ("MCmhFRxGX82xMwg5FsaoQA", SDK_URL, SDK_BODY, SDK_SIGNATURE, "does not match"),
        (SDK_KEY, SDK_URL.replace("679a", "79a"), SDK_BODY, SDK_SIGNATURE, "does not match"),
        (SDK_KEY, SDK_URL + "/", SDK_BODY, SDK_SIGNATURE, "does not match"),
        (SDK_KEY, SDK_URL, SDK_BODY.replace(b"07-13", b"06-13"), SDK_SIGNATURE, "does not match"),
        (SDK_KEY, SDK_URL, SDK_BODY + b"\n", SDK_SIGNATURE, "does not match"),
        (SDK_KEY, SDK_URL, SDK_BODY, SDK_SIGNATURE.lower(), "does not match"),
        (SDK_KEY, SDK_URL, SDK_BODY, "not base64 at all é", "does not match"),
        (SDK_KEY, SDK_URL, SDK_BODY, None, "missing"),
        (SDK_KEY, SDK_URL, SDK_BODY, "", "missing"),
        (SDK_KEY, SDK_URL, SDK_BODY, "   ", "missing"),
        ("", SDK_URL, SDK_BODY, SDK_SIGNATURE, "no Square signature key"),
        (SDK_KEY, "", SDK_BODY, SDK_SIGNATURE, "no Square notification URL"),
    ],
    ids=[
        "wrong signature",
        "wrong key",
        "wrong url",
        "url with a trailing slash",
        "tampered body",
        "body with a byte added",
        "signature case changed",
        "garbage header",
        "missing header",
        "empty header",
        "blank header",
        "no key configured",
        "no url configured",
    ],
)
def test_a_bad_delivery_is_refused(
    key: str, url: str, body: bytes, header: str | None, reason: str
) -> None:
    with pytest.raises(SignatureInvalid, match=reason) as refused:
        verify(key, url, body, header)
    assert key not in str(refused.value) or not key
    assert sign(SDK_KEY, SDK_URL, SDK_BODY) not in str(refused.value)


def test_a_reserialised_body_does_not_verify() -> None:
    """The signature covers the raw bytes: parsing and re-encoding the JSON breaks it."""
    delivery = deliver(payment_updated("O-1"), signature_key=KEY, notification_url=URL)
    pretty = json.dumps(json.loads(delivery.body), indent=2).encode()
    with pytest.raises(SignatureInvalid):
        verify(KEY, URL, pretty, delivery.headers[HEADER])


def test_surrounding_whitespace_in_the_header_is_tolerated() -> None:
    verify(SDK_KEY, SDK_URL, SDK_BODY, f" {SDK_SIGNATURE} ")
