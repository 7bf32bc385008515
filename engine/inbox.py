"""The inbox: verified webhook deliveries, stored before they are acknowledged, then processed.

An event is `pending` until a worker books it (`done`), decides it carries nothing to book
(`skipped`), or gives up after `RetryPolicy.max_attempts` failures (`failed`, still replayable).
A claimed event stays `pending` with a lease: it is "processing" while the lease runs, and any
worker may claim it again once the lease has expired (the claimer crashed), so nothing is lost.

Pure: the values, the `Inbox` ports and the retry policy. No clock: "now" is always an argument.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NewType, Protocol

from engine.errors import InvalidInput

EventId = NewType("EventId", int)

# Column widths of `webhook_events` (docs/data-model.md): checked here so an oversized key is a
# 4xx at the door instead of a failed insert that would take its whole group commit down with it.
MAX_PROVIDER = 32
MAX_DEDUPE_KEY = 255
MAX_ERROR = 500


class EventState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class RawEvent:
    """A verified delivery as it arrived: what the inbox stores before the 2xx goes back."""

    provider: str
    dedupe_key: str
    venue_id: int | None
    received_at: datetime
    headers: Mapping[str, str]
    body: bytes

    def __post_init__(self) -> None:
        if not 0 < len(self.provider) <= MAX_PROVIDER:
            raise InvalidInput(f"provider must be 1 to {MAX_PROVIDER} characters")
        if not 0 < len(self.dedupe_key) <= MAX_DEDUPE_KEY:
            raise InvalidInput(f"event id must be 1 to {MAX_DEDUPE_KEY} characters")
        if self.received_at.tzinfo is None or self.received_at.utcoffset() is None:
            raise ValueError("received_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """The stored event's id; `duplicate` when that (provider, dedupe key) was already there."""

    event_id: EventId
    duplicate: bool


@dataclass(frozen=True, slots=True)
class StoredEvent:
    id: EventId
    provider: str
    dedupe_key: str
    venue_id: int | None
    received_at: datetime
    headers: Mapping[str, str]
    body: bytes
    state: EventState
    attempts: int
    next_attempt_at: datetime
    lease_owner: str | None
    lease_until: datetime | None
    last_error: str | None
    processed_at: datetime | None
    pruned_at: datetime | None = None
    """When its body and headers were emptied, kept no longer than the retention (see
    `Inbox.prune_bodies`); a pruned event cannot be booked again."""

    def status(self, now: datetime) -> str:
        """The state as `barback events` shows it: a live lease reads as "processing"."""
        leased = self.lease_until is not None and self.lease_until > now
        if self.state is EventState.PENDING and leased:
            return "processing"
        return self.state.value


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff: 5 s, 15 s, 45 s, ... capped at an hour, then `failed` after
    `max_attempts` failures (5.5 hours of retries with the defaults: long enough to outlast most
    POS API outages, short enough that someone sees `barback events --failed` the same day; the
    reconciliation poller covers longer ones).

    No jitter: leases and SKIP LOCKED already spread retries across workers, and a deterministic
    schedule is one a test and an operator can predict.
    """

    first_delay: timedelta = timedelta(seconds=5)
    factor: int = 3
    max_delay: timedelta = timedelta(hours=1)
    max_attempts: int = 12

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failure (1 for the first)."""
        if attempts < 1:
            raise ValueError("attempts counts failures, starting at 1")
        # Compare exponents before multiplying so a huge count cannot overflow timedelta.
        cap_seconds = self.max_delay.total_seconds()
        delay = self.first_delay.total_seconds()
        for _ in range(attempts - 1):
            delay *= self.factor
            if delay >= cap_seconds:
                return self.max_delay
        return min(timedelta(seconds=delay), self.max_delay)

    def gives_up(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def next_attempt(self, attempts: int, now: datetime) -> datetime:
        return now + self.delay(attempts)


DEFAULT_RETRY = RetryPolicy()
LOOP_MAX_BACKOFF_SECONDS = 30.0


def loop_backoff(failures: int, max_seconds: float = LOOP_MAX_BACKOFF_SECONDS) -> float:
    """Seconds a background loop (the inbox worker, the outbox dispatcher, the summary
    scheduler) waits after its `failures`-th failing step in a row: 1, 2, 4, ... up to
    `max_seconds`. The same formula as the events' retries, with a short first delay and cap:
    a loop retries a database or Slack that is down, and must notice soon when it is back."""
    policy = RetryPolicy(
        first_delay=timedelta(seconds=1), factor=2, max_delay=timedelta(seconds=max_seconds)
    )
    return policy.delay(failures).total_seconds()


def next_attempt(attempts: int, now: datetime) -> datetime:
    """When an event that has failed `attempts` times may be tried again (the default policy)."""
    return DEFAULT_RETRY.next_attempt(attempts, now)


# `Authorization: Bearer x`, `token=x`, `"client_secret": "x"`: what a POS client's exception text
# may carry. Redacted as a second line of defence; clients should not put them there at all.
_SECRET = re.compile(
    r"""(?ix)
    (bearer\s+|basic\s+)[^\s"',;]+
    | ((?:access_token|refresh_token|token|secret|client_secret|password|api_key|signature|
        authorization)["']?\s*[:=]\s*["']?(?:bearer\s+|basic\s+)?)[^\s"',;&}]+
    """
)


def error_text(error: str) -> str:
    """`error` fit to store in `last_error`: credentials redacted, at most 500 characters."""
    redacted = _SECRET.sub(lambda m: (m.group(1) or m.group(2)) + "***", error)
    if len(redacted) <= MAX_ERROR:
        return redacted
    return redacted[: MAX_ERROR - 1] + "…"


class EventSink(Protocol):
    """Where the webhook routes put verified events (storage's group-commit writer)."""

    async def submit(self, event: RawEvent) -> SubmitResult:
        """Return once the event is durably stored; raises when it could not be stored."""
        ...


class Inbox(Protocol):
    """The worker's and the CLI's view of the stored events.

    Every change to a claimed event names the lease `owner`, and does nothing (returns False or
    None) when another worker has taken the event over after the lease expired.
    """

    async def claim(
        self, limit: int, owner: str, lease_seconds: float, now: datetime
    ) -> list[StoredEvent]:
        """Lease up to `limit` due events (oldest first); no two claimers get the same one."""
        ...

    async def renew(
        self, event_ids: Sequence[EventId], owner: str, lease_seconds: float, now: datetime
    ) -> int:
        """Extend `owner`'s leases on these events to `now + lease_seconds` (a batch still in
        hand); how many it still held."""
        ...

    async def mark_done(self, event_id: EventId, owner: str, now: datetime) -> bool: ...

    async def mark_failed(
        self, event_id: EventId, owner: str, error: str, now: datetime, *, final: bool = False
    ) -> EventState | None:
        """Count a failure: back to `pending` after a backoff, or `failed` at the last attempt
        (at once when `final`: an error retrying cannot fix, such as a malformed payload)."""
        ...

    async def mark_skipped(
        self, event_id: EventId, owner: str, reason: str, now: datetime
    ) -> bool: ...

    async def get(self, event_id: EventId) -> StoredEvent:
        """The event; raises `NotFound`."""
        ...

    async def list(self, *, failed_only: bool = False, limit: int = 50) -> Sequence[StoredEvent]:
        """Newest first."""
        ...

    async def replay(self, event_id: EventId, now: datetime) -> None:
        """Make the event due again with a fresh retry budget; raises `NotFound`, and
        `InvalidInput` when its body was pruned (there is nothing left to book)."""
        ...

    async def prune_bodies(self, before: datetime, now: datetime) -> int:
        """Empty the body and headers of every event finished (done or skipped) before `before`;
        how many. Pending and failed events keep theirs: they may still be booked."""
        ...

    async def replay_failed(self, now: datetime) -> int:
        """`replay` every failed event; how many."""
        ...

    async def lag(self, now: datetime) -> timedelta:
        """Age of the oldest pending event (zero when none): the processing backlog."""
        ...
