"""Our signing helper produces exactly what Bolt's verifier (slack_sdk's) accepts."""

from __future__ import annotations

import time

from slack_sdk.signature import SignatureVerifier

from bot.slack.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, signed_headers

# Slack's published example (slack-platform.md §2.1; sdk tests/slack_sdk/signature).
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TIMESTAMP = "1531420618"
BODY = (
    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmib"
    "IGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def test_slacks_published_vector() -> None:
    assert sign(SECRET, TIMESTAMP, BODY) == EXPECTED
    assert sign(SECRET, int(TIMESTAMP), BODY.encode()) == EXPECTED
    assert SignatureVerifier(SECRET).generate_signature(timestamp=TIMESTAMP, body=BODY) == EXPECTED


def test_signed_headers_pass_the_verifier_bolt_uses() -> None:
    body = "text=map+%22payload+drink%22+%3D+1.5+oz+tito&command=%2Fbarback"
    headers = signed_headers("s3cret", body)
    assert SignatureVerifier("s3cret").is_valid_request(body, headers)
    assert abs(int(headers[TIMESTAMP_HEADER]) - time.time()) < 5
    assert not SignatureVerifier("other").is_valid_request(body, headers)
    assert not SignatureVerifier("s3cret").is_valid_request(body + "x", headers)


def test_a_stale_timestamp_is_signed_faithfully_and_refused() -> None:
    stale = int(time.time()) - 301
    headers = signed_headers("s3cret", "a=b", timestamp=stale)
    assert headers[SIGNATURE_HEADER] == sign("s3cret", stale, "a=b")
    assert not SignatureVerifier("s3cret").is_valid_request("a=b", headers)
