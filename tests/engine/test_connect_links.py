"""Connect links: signed for one POS and venue, expiring, verified without a clock of their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from engine.connect_links import LINK_TTL, connect_link, connect_token, verify_connect_token
from engine.errors import NotAllowed

KEY = "a-barback-secret-key"
NOW = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)


def test_a_link_carries_the_venue_and_a_token_that_verifies() -> None:
    url = connect_link("https://bar.example/", "square", "down town", KEY, NOW)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "bar.example", "/connect/square")
    query = parse_qs(parts.query)
    assert query["venue"] == ["down town"]
    [token] = query["token"]
    assert verify_connect_token(KEY, "square", "down town", token, NOW) == NOW + LINK_TTL
    assert verify_connect_token(KEY.encode(), "square", "down town", token, NOW) == NOW + LINK_TTL


@pytest.mark.parametrize(
    ("key", "provider", "venue", "at", "says"),
    [
        ("another-key", "square", "downtown", NOW, "not issued"),
        (KEY, "toast", "downtown", NOW, "not issued"),
        (KEY, "square", "uptown", NOW, "not issued by barback for uptown"),
        (KEY, "square", "downtown", NOW + LINK_TTL, "expired"),
        (KEY, "square", "downtown", NOW + timedelta(days=1), "expired"),
    ],
)
def test_a_link_verifies_only_with_its_key_pos_venue_and_in_time(
    key: str, provider: str, venue: str, at: datetime, says: str
) -> None:
    token = connect_token(KEY, "square", "downtown", NOW)
    with pytest.raises(NotAllowed, match=says):
        verify_connect_token(key, provider, venue, token, at)


@pytest.mark.parametrize("token", [None, "", "abc", "123", ".mac", "12x.mac", "9" * 40 + ".m"])
def test_missing_or_malformed_tokens_are_refused(token: str | None) -> None:
    with pytest.raises(NotAllowed) as refused:
        verify_connect_token(KEY, "square", "downtown", token, NOW)
    assert refused.value.code == "not_allowed"


def test_naive_times_and_empty_keys_are_bugs() -> None:
    with pytest.raises(ValueError):
        connect_token(KEY, "square", "downtown", NOW.replace(tzinfo=None))
    with pytest.raises(ValueError):
        connect_token("", "square", "downtown", NOW)
