"""The one backoff formula: events' retries and the background loops' waits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.inbox import DEFAULT_RETRY, loop_backoff


@pytest.mark.parametrize(
    ("failures", "seconds"), [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 30), (50, 30)]
)
def test_a_loop_doubles_its_wait_up_to_half_a_minute(failures: int, seconds: float) -> None:
    assert loop_backoff(failures) == seconds


def test_a_loop_may_wait_longer_when_told() -> None:
    assert [loop_backoff(n, 60.0) for n in (6, 7, 8)] == [32, 60, 60]


def test_a_huge_count_of_failures_stays_at_the_cap() -> None:
    assert loop_backoff(10_000) == 30
    assert DEFAULT_RETRY.delay(10_000) == timedelta(hours=1)


def test_failures_count_from_one() -> None:
    with pytest.raises(ValueError, match="starting at 1"):
        loop_backoff(0)
