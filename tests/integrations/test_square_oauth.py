"""Square OAuth, the pure parts: the consent URL, the signed state, when to refresh."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from integrations.errors import StateInvalid
from integrations.square.oauth import (
    SCOPES,
    OAuthState,
    authorize_url,
    issue_state,
    needs_refresh,
    verify_state,
)

KEY = b"barback-secret-key-for-tests"
NOW = datetime(2024, 5, 24, 12, 0, tzinfo=UTC)


def test_the_authorize_url() -> None:
    url = authorize_url("https://connect.squareup.com/", "sq0idp-app", "STATE.1-_x")
    assert url == (
        "https://connect.squareup.com/oauth2/authorize?client_id=sq0idp-app"
        "&scope=ORDERS_READ+PAYMENTS_READ+ITEMS_READ+MERCHANT_PROFILE_READ"
        "&session=false&state=STATE.1-_x"
    )


def test_the_authorize_url_with_a_redirect_and_other_scopes() -> None:
    url = authorize_url(
        "https://connect.squareupsandbox.com",
        "sandbox-sq0idb-app",
        "s",
        scopes=["ORDERS_READ"],
        redirect_uri="https://bar.example.com/connect/square/callback?x=1",
    )
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("connect.squareupsandbox.com", "/oauth2/authorize")
    assert parse_qs(parts.query) == {
        "client_id": ["sandbox-sq0idb-app"],
        "scope": ["ORDERS_READ"],
        "session": ["false"],
        "state": ["s"],
        "redirect_uri": ["https://bar.example.com/connect/square/callback?x=1"],
    }


def test_the_scopes_are_read_only() -> None:
    assert all(scope.endswith("_READ") for scope in SCOPES)


def test_a_state_verifies_and_names_its_venue() -> None:
    state = issue_state(KEY, "the-tap-room", NOW, nonce="n0nce")
    assert verify_state(KEY, state, NOW + timedelta(minutes=9)) == OAuthState(
        venue="the-tap-room", nonce="n0nce", expires_at=NOW + timedelta(minutes=10)
    )


def test_a_state_is_url_safe_and_fresh_each_time() -> None:
    first, second = (issue_state(KEY, "Café Élan / 2", NOW) for _ in range(2))
    assert first != second
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert set(first) <= allowed
    assert verify_state(KEY, first, NOW).venue == "Café Élan / 2"
    assert verify_state(KEY.decode(), first, NOW).venue == "Café Élan / 2"


def test_an_expired_state_is_refused() -> None:
    state = issue_state(KEY, "bar", NOW, ttl=timedelta(minutes=5))
    verify_state(KEY, state, NOW + timedelta(minutes=4, seconds=59))
    with pytest.raises(StateInvalid, match="expired"):
        verify_state(KEY, state, NOW + timedelta(minutes=5))


def test_a_state_signed_with_another_key_is_refused() -> None:
    state = issue_state(b"someone else's key", "bar", NOW)
    with pytest.raises(StateInvalid, match="not issued by barback"):
        verify_state(KEY, state, NOW)


def _swap(state: str, index: int, value: str) -> str:
    parts = state.split(".")
    parts[index] = value
    return ".".join(parts)


@pytest.mark.parametrize(
    "forge",
    [
        lambda s: _swap(s, 0, issue_state(KEY, "other-bar", NOW).split(".")[0]),  # venue swapped
        lambda s: _swap(s, 1, "another-nonce"),
        lambda s: _swap(s, 2, str(int(s.split(".")[2]) + 3600)),  # expiry pushed back
        lambda s: _swap(s, 3, issue_state(KEY, "x", NOW).split(".")[3]),  # a MAC from another
        lambda s: s[:-1],
    ],
    ids=["venue", "nonce", "expiry", "mac", "truncated"],
)
def test_a_tampered_state_is_refused(forge: object) -> None:
    state = issue_state(KEY, "bar", NOW)
    assert callable(forge)
    with pytest.raises(StateInvalid, match="not issued by barback"):
        verify_state(KEY, forge(state), NOW)


@pytest.mark.parametrize("state", ["", "abc", "a.b.c", "a.b.c.d.e", "é.é.é.é"])
def test_a_malformed_state_is_refused(state: str) -> None:
    with pytest.raises(StateInvalid):
        verify_state(KEY, state, NOW)


def test_refused_states_do_not_echo_the_state() -> None:
    state = issue_state(b"other", "bar", NOW)
    with pytest.raises(StateInvalid) as refused:
        verify_state(KEY, state, NOW)
    assert state not in str(refused.value)


def test_a_state_needs_a_key_a_venue_and_aware_times() -> None:
    with pytest.raises(ValueError, match="key"):
        issue_state(b"", "bar", NOW)
    with pytest.raises(ValueError, match="venue"):
        issue_state(KEY, "", NOW)
    with pytest.raises(ValueError, match="timezone-aware"):
        issue_state(KEY, "bar", datetime(2024, 5, 24))
    with pytest.raises(ValueError, match="may not contain"):
        issue_state(KEY, "bar", NOW, nonce="a.b")


@pytest.mark.parametrize(
    ("remaining", "refresh"),
    [
        (timedelta(days=30), False),
        (timedelta(days=23, seconds=1), False),
        (timedelta(days=23), False),
        (timedelta(days=22, hours=23), True),
        (timedelta(days=1), True),
        (timedelta(0), True),
        (-timedelta(days=2), True),
    ],
)
def test_a_token_is_refreshed_once_fewer_than_23_days_remain(
    remaining: timedelta, refresh: bool
) -> None:
    assert needs_refresh(NOW + remaining, NOW) is refresh


def test_the_refresh_margin_can_be_chosen() -> None:
    assert needs_refresh(NOW + timedelta(days=5), NOW, margin=timedelta(days=7))
    assert not needs_refresh(NOW + timedelta(days=8), NOW, margin=timedelta(days=7))
