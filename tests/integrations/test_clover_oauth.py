"""Clover's OAuth, the pure parts: the consent page's host, the state, when to refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from integrations.clover.oauth import (
    authorize_url,
    encode_state,
    issue_state,
    needs_refresh,
    verify_state,
    web_base_url,
)
from integrations.errors import StateInvalid

KEY = b"barback-test-key"
T = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("api", "web"),
    [
        ("https://api.clover.com", "https://www.clover.com"),
        ("https://api.eu.clover.com/", "https://www.eu.clover.com"),
        ("https://api.la.clover.com", "https://www.la.clover.com"),
        ("https://apisandbox.dev.clover.com", "https://sandbox.dev.clover.com"),
        ("http://127.0.0.1:8099/", "http://127.0.0.1:8099"),  # a fake serves both
    ],
)
def test_the_consent_page_is_on_the_web_host_of_the_api(api: str, web: str) -> None:
    assert web_base_url(api) == web


def test_the_authorize_url_carries_app_redirect_and_state() -> None:
    url = urlsplit(authorize_url("https://api.clover.com", "APP1", "s.1.m", "https://b/cb"))
    assert (url.netloc, url.path) == ("www.clover.com", "/oauth/v2/authorize")
    assert parse_qs(url.query) == {
        "client_id": ["APP1"],
        "redirect_uri": ["https://b/cb"],
        "state": ["s.1.m"],
    }


def test_a_state_verifies_until_it_expires() -> None:
    state = issue_state(T)
    text = encode_state(KEY, state)
    assert verify_state(KEY, text, T + timedelta(minutes=9)).nonce == state.nonce
    with pytest.raises(StateInvalid, match="expired"):
        verify_state(KEY, text, T + timedelta(minutes=10))
    assert issue_state(T).nonce != state.nonce


@pytest.mark.parametrize("tamper", ["key", "nonce", "expiry", "shape"])
def test_a_tampered_state_is_refused(tamper: str) -> None:
    text = encode_state(KEY, issue_state(T))
    nonce, expiry, mac = text.split(".")
    forged = {
        "key": encode_state(b"another-key", issue_state(T)),
        "nonce": f"x{nonce}.{expiry}.{mac}",
        "expiry": f"{nonce}.{int(expiry) + 3600}.{mac}",
        "shape": f"{nonce}.{mac}",
    }[tamper]
    with pytest.raises(StateInvalid) as refused:
        verify_state(KEY, forged, T)
    assert forged not in refused.value.reason


def test_a_token_is_refreshed_once_less_than_ten_minutes_remain() -> None:
    assert not needs_refresh(T + timedelta(minutes=10), T)
    assert needs_refresh(T + timedelta(minutes=9, seconds=59), T)
    assert needs_refresh(T - timedelta(minutes=1), T)
