"""Shopify's OAuth pieces: the consent URL, the signed state binding venue and shop, the callback's
timestamp, and when an expiring token is refreshed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from integrations.errors import SignatureInvalid, StateInvalid
from integrations.shopify.oauth import (
    authorize_url,
    check_timestamp,
    issue_state,
    needs_refresh,
    verify_state,
)

KEY = b"a-key"
NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def test_the_consent_url_asks_for_read_scopes_on_the_shops_own_host() -> None:
    url = authorize_url("https://bar.myshopify.com", "cid", "st", "https://barback.example.com/cb")
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("bar.myshopify.com", "/admin/oauth/authorize")
    assert parse_qs(parts.query) == {
        "client_id": ["cid"],
        "scope": ["read_orders,read_locations"],
        "redirect_uri": ["https://barback.example.com/cb"],
        "state": ["st"],
    }


def test_a_state_says_what_it_was_issued_for() -> None:
    state = issue_state(KEY, "down town", "bar.myshopify.com", NOW, nonce="n1")
    found = verify_state(KEY, state, NOW + timedelta(minutes=9))
    assert (found.venue, found.shop, found.nonce) == ("down town", "bar.myshopify.com", "n1")
    assert found.expires_at == NOW + timedelta(minutes=10)


def test_a_forged_tampered_or_expired_state_is_refused() -> None:
    state = issue_state(KEY, "downtown", "bar.myshopify.com", NOW)
    venue, shop, nonce, expires, mac = state.split(".")
    other_shop = issue_state(KEY, "downtown", "evil.myshopify.com", NOW).split(".")[1]
    cases = [
        (issue_state(b"other", "downtown", "bar.myshopify.com", NOW), NOW, "not issued"),
        (".".join([venue, other_shop, nonce, expires, mac]), NOW, "not issued"),
        (".".join([venue, shop, nonce, str(int(expires) + 60), mac]), NOW, "not issued"),
        (state, NOW + timedelta(minutes=10), "expired"),
        ("garbage", NOW, "malformed"),
        (state + ".x", NOW, "malformed"),
    ]
    for given, at, reason in cases:
        with pytest.raises(StateInvalid, match=reason):
            verify_state(KEY, given, at)


def test_the_callback_timestamp_must_be_recent() -> None:
    check_timestamp(str(int(NOW.timestamp())), NOW + timedelta(minutes=59))
    for value in (None, "", "12.5", "-3", "1" * 13):
        with pytest.raises(SignatureInvalid, match="no valid timestamp"):
            check_timestamp(value, NOW)
    with pytest.raises(SignatureInvalid, match="stale"):
        check_timestamp(str(int(NOW.timestamp())), NOW + timedelta(hours=2))


def test_an_expiring_token_is_refreshed_in_its_last_five_minutes() -> None:
    expires = NOW + timedelta(hours=1)
    assert not needs_refresh(expires, NOW + timedelta(minutes=54))
    assert needs_refresh(expires, NOW + timedelta(minutes=56))
    assert needs_refresh(expires, NOW + timedelta(hours=2))
