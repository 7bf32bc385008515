"""The inbox's pure parts (engine/inbox.py): retry schedule, stored error text, event checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import InvalidInput
from engine.inbox import (
    DEFAULT_RETRY,
    EventId,
    EventState,
    RawEvent,
    RetryPolicy,
    StoredEvent,
    error_text,
    next_attempt,
)

NOW = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)


def test_the_delay_triples_from_five_seconds_up_to_an_hour() -> None:
    delays = [DEFAULT_RETRY.delay(n).total_seconds() for n in range(1, 10)]
    assert delays == [5, 15, 45, 135, 405, 1215, 3600, 3600, 3600]


def test_next_attempt_adds_the_delay_to_now() -> None:
    assert next_attempt(1, NOW) == NOW + timedelta(seconds=5)
    assert next_attempt(3, NOW) == NOW + timedelta(seconds=45)


def test_a_huge_count_stays_at_the_cap() -> None:
    assert DEFAULT_RETRY.delay(10_000) == timedelta(hours=1)


def test_attempts_count_from_one() -> None:
    with pytest.raises(ValueError, match="starting at 1"):
        DEFAULT_RETRY.delay(0)


def test_the_policy_gives_up_at_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert [policy.gives_up(n) for n in (1, 2, 3, 4)] == [False, False, True, True]


def test_the_default_schedule_outlasts_an_afternoon_outage() -> None:
    waited = sum(
        (DEFAULT_RETRY.delay(n) for n in range(1, DEFAULT_RETRY.max_attempts)), timedelta(0)
    )
    assert timedelta(hours=4) < waited < timedelta(hours=8)


def test_error_text_is_cut_to_500_characters() -> None:
    text = error_text("x" * 2_000)
    assert len(text) == 500
    assert text.endswith("…")
    assert error_text("short") == "short"


@pytest.mark.parametrize(
    "error",
    [
        "401 from https://connect.squareup.com: Authorization: Bearer EAAAl0ngt0ken",
        "POST /oauth/token failed: client_secret=EAAAl0ngt0ken&code=abc",
        'upstream said {"access_token": "EAAAl0ngt0ken"}',
    ],
)
def test_error_text_redacts_credentials(error: str) -> None:
    text = error_text(error)
    assert "EAAAl0ngt0ken" not in text
    assert "***" in text


def raw(**changes: object) -> RawEvent:
    values: dict[str, object] = {
        "provider": "square",
        "dedupe_key": "evt-1",
        "venue_id": None,
        "received_at": NOW,
        "headers": {},
        "body": b"{}",
    }
    values.update(changes)
    return RawEvent(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "changes",
    [{"dedupe_key": ""}, {"dedupe_key": "k" * 256}, {"provider": ""}, {"provider": "p" * 33}],
)
def test_keys_that_do_not_fit_the_table_are_invalid_input(changes: dict[str, object]) -> None:
    with pytest.raises(InvalidInput):
        raw(**changes)


def test_a_naive_receive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        raw(received_at=NOW.replace(tzinfo=None))


def stored(state: EventState, lease_until: datetime | None) -> StoredEvent:
    return StoredEvent(
        id=EventId(1),
        provider="square",
        dedupe_key="evt-1",
        venue_id=None,
        received_at=NOW,
        headers={},
        body=b"{}",
        state=state,
        attempts=0,
        next_attempt_at=NOW,
        lease_owner="worker-1" if lease_until else None,
        lease_until=lease_until,
        last_error=None,
        processed_at=None,
    )


def test_a_pending_event_under_a_live_lease_reads_as_processing() -> None:
    later = NOW + timedelta(seconds=30)
    assert stored(EventState.PENDING, later).status(NOW) == "processing"
    assert stored(EventState.PENDING, later).status(later) == "pending"
    assert stored(EventState.PENDING, None).status(NOW) == "pending"
    assert stored(EventState.FAILED, None).status(NOW) == "failed"
