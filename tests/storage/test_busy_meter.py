"""`BusyMeter`: the share of the last window something was busy (the inbox writer's load)."""

from __future__ import annotations

from storage.inbox_writer import BusyMeter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_share_counts_busy_spans_within_the_window() -> None:
    clock = Clock()
    meter = BusyMeter(window=1.0, clock=clock)
    assert meter.share() == 0.0
    meter.busy()
    clock.now += 0.25
    meter.busy()  # already busy: the span goes on
    clock.now += 0.25
    meter.idle()
    clock.now += 0.25
    assert meter.share() == 0.5
    meter.busy()
    clock.now += 0.25
    assert meter.share() == 0.75  # the open span counts
    clock.now += 1.0
    assert meter.share() == 1.0
    meter.idle()
    clock.now += 0.6
    assert abs(meter.share() - 0.4) < 1e-9  # only the window's part of the old span
    clock.now += 0.5
    assert meter.share() == 0.0
