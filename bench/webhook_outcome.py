"""What one target's webhook run measured (`Outcome`), and the limits it is read against."""

from __future__ import annotations

from dataclasses import dataclass, field

from bench.wrk import WrkResult

STEADY_RATE = 500  # requests/s in the steady run: 1.8 million receipts an hour
DRAIN_LIMIT_SECONDS = 30.0  # then the rest of the drain is estimated from the booking rate


@dataclass(slots=True)
class Outcome:
    """One target's figures; `problems` lists what makes the run wrong, not merely slow."""

    target: str
    load: WrkResult | None = None
    warmup: WrkResult | None = None
    steady: WrkResult | None = None
    steady_backlog: int = 0
    """Events pending when the steady run ended."""
    steady_drain: float | None = None
    drain_seconds: float | None = None
    """None: still pending at DRAIN_LIMIT_SECONDS; `drain_estimate` extrapolates then."""
    drain_estimate: float | None = None
    booking_rate: float | None = None
    """Events booked per second after the load ended (the worker alone)."""
    pending_at_end: int = 0
    stored: int = 0
    booked: int = 0
    receipts: int = 0
    states: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    skipped: str | None = None
