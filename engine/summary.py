"""The daily summary: what it holds, when it is due, and the job-run claim that makes a scheduled
summary go out once per venue and business day, however many schedulers run.

Decisions where the rules are silent:
- `summary 09:00 C..` posts, at 09:00 venue-local time, the last *full* business day at that
  moment (`periods.last_full_day`). A time before the business-day cutoff therefore reports the day
  before yesterday; pick a time after the cutoff. A scheduler that was down at 09:00 posts when it
  comes back the same day; a day it missed entirely is not caught up (yesterday's news).
- The week-before comparison is the same weekday seven days earlier: bars live by the weekday.
- Data quality: unmapped sale lines of the day (not recorded as sales), webhook events failed and
  pending right now, days since the venue's last count (any product), none when never counted.

Exactly once (the job run, see `RunPhase`): a scheduler claims the row (job, venue, day) with a
lease before touching Slack, and records each step as it goes: `posting` is committed *before*
`chat.postMessage`, `posted` (with the message ts) right after it, then the chart upload in the
message's thread, then `done`. A scheduler that crashes leaves its lease to expire; the next one
resumes from the recorded phase:
- `claimed` (nothing sent): post.
- `posted`: the message is out (its ts is known); only the chart is left.
- `posting` or `uploading`: the crash came between asking Slack and recording the answer, so the
  message (or chart) may or may not be out. Slack's postMessage has no idempotency key, so the
  resume first looks for it (the summary carries message metadata naming venue and day); when it
  cannot tell, it does NOT post again and records why: a missing summary is a nuisance, the same
  summary twice in a channel is what "exactly once" forbids. That window is one HTTP round trip.
A Slack error answer (rate limit, outage, `ok: false`) means nothing was posted: the run goes back
to its phase with a retry time, and is claimed again then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol

from engine.alerts import DataQuality
from engine.reports import SalesReport
from engine.usecases.periods import last_full_day
from engine.venue import Venue, VenueId

SUMMARY_JOB = "daily_summary"


@dataclass(frozen=True, slots=True)
class DailySummary:
    venue: Venue
    day: date
    sales: SalesReport
    week_before: SalesReport
    """The same weekday seven days earlier."""
    quality: DataQuality
    now: datetime

    @property
    def days_since_count(self) -> int | None:
        if self.quality.last_count_at is None:
            return None
        counted = self.quality.last_count_at.astimezone(self.venue.zone).date()
        return (self.now.astimezone(self.venue.zone).date() - counted).days


def due_day(venue: Venue, at: time | None, now: datetime) -> date | None:
    """The business day whose summary is due at `now`, or None (not scheduled, or too early)."""
    if at is None:
        return None
    local = now.astimezone(venue.zone)
    if local.time().replace(tzinfo=None) < at:
        return None
    return last_full_day(venue, now)


def week_before(day: date) -> date:
    return day - timedelta(days=7)


class RunPhase(StrEnum):
    CLAIMED = "claimed"
    POSTING = "posting"
    POSTED = "posted"
    UPLOADING = "uploading"
    DONE = "done"


@dataclass(frozen=True, slots=True)
class JobRun:
    job: str
    venue_id: VenueId
    day: date
    phase: RunPhase
    attempts: int
    """Claims so far, this one included."""
    started_at: datetime
    slack_ts: str | None = None
    finished_at: datetime | None = None
    note: str | None = None


class JobRuns(Protocol):
    """Scheduled jobs that must run once per (job, venue, business day). Each call is its own
    short transaction; changes name the lease `owner` and fail (False) once the lease was lost."""

    async def claim_run(
        self,
        job: str,
        venue_id: VenueId,
        day: date,
        owner: str,
        lease_seconds: float,
        now: datetime,
    ) -> JobRun | None:
        """The run, leased to `owner`: new, or unfinished with its lease (or retry time) passed.
        None when it is done or someone else holds it."""
        ...

    async def advance(
        self,
        run: JobRun,
        owner: str,
        phase: RunPhase,
        now: datetime,
        *,
        slack_ts: str | None = None,
        note: str | None = None,
    ) -> bool:
        """Record progress (DONE also sets finished_at); False when `owner` lost the lease."""
        ...

    async def release(
        self, run: JobRun, owner: str, retry_at: datetime, error: str, *, phase: RunPhase
    ) -> bool:
        """Give the run back, to be claimed again from `retry_at` at `phase`."""
        ...

    async def get(self, job: str, venue_id: VenueId, day: date) -> JobRun | None: ...
