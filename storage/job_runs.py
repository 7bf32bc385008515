"""`SqlJobRuns`: scheduled jobs that run once per (job, venue, day), on `job_runs`.

The primary key is the guarantee: the first claimer inserts the row, everyone else conflicts.
Two ways to use it:
- slots (`claim`/`finish`/`prune`, integrations.polling.JobRuns): the insert is the claim; a
  slot claimed by a process that then died stays claimed (the next slot covers its window).
- runs that must resume (`claim_run`/`advance`/`release`, engine.summary.JobRuns: the daily
  summary): a run records its steps (`phase`, `slack_ts`) and holds a lease; an unfinished run
  whose lease (or retry time, after a `release`) has passed is claimed again and resumes from its
  phase. See `engine/summary.py` for why that makes a summary go out once.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.inbox import error_text
from engine.summary import JobRun, RunPhase
from engine.venue import VenueId
from storage.dialects import insert_for
from storage.tables import job_runs


class SqlJobRuns:
    """Each method is its own short transaction on `engine`."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    # --- slots (reconciliation) ------------------------------------------------------------------

    async def claim(self, job: str, venue_id: int, day: date, now: datetime) -> bool:
        """True when this call inserted the slot's row (no other process has it)."""
        async with self._engine.begin() as connection:
            inserted = await connection.scalar(
                insert_for(connection, job_runs)
                .values(job=job, venue_id=venue_id, day=day, started_at=now, attempts=1)
                .on_conflict_do_nothing(
                    index_elements=[job_runs.c.job, job_runs.c.venue_id, job_runs.c.day]
                )
                .returning(job_runs.c.job)
            )
        return inserted is not None

    async def finish(self, job: str, venue_id: int, day: date, now: datetime) -> None:
        async with self._engine.begin() as connection:
            await connection.execute(
                update(job_runs)
                .where(_key(job, venue_id, day))
                .values(finished_at=now, phase=RunPhase.DONE.value)
            )

    async def prune(self, job_prefix: str, venue_id: int, before: date) -> int:
        """Delete the venue's rows of jobs named `job_prefix...` for days before `before`."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                delete(job_runs).where(
                    job_runs.c.venue_id == venue_id,
                    job_runs.c.job.startswith(job_prefix, autoescape=True),
                    job_runs.c.day < before,
                )
            )
        return result.rowcount

    # --- runs that resume (the daily summary) ------------------------------------------------

    async def claim_run(
        self,
        job: str,
        venue_id: VenueId,
        day: date,
        owner: str,
        lease_seconds: float,
        now: datetime,
    ) -> JobRun | None:
        lease_until = now + timedelta(seconds=lease_seconds)
        async with self._engine.begin() as connection:
            inserted = (
                await connection.execute(
                    insert_for(connection, job_runs)
                    .values(
                        job=job,
                        venue_id=venue_id,
                        day=day,
                        started_at=now,
                        phase=RunPhase.CLAIMED.value,
                        attempts=1,
                        lease_owner=owner,
                        lease_until=lease_until,
                    )
                    .on_conflict_do_nothing(
                        index_elements=[job_runs.c.job, job_runs.c.venue_id, job_runs.c.day]
                    )
                    .returning(*job_runs.c)
                )
            ).one_or_none()
            if inserted is not None:
                return run_from_row(inserted)
            # On PostgreSQL the UPDATE re-checks its WHERE against a concurrent claimer's commit,
            # so of two schedulers resuming the same expired run only one gets it.
            resumed = (
                await connection.execute(
                    update(job_runs)
                    .where(
                        _key(job, venue_id, day),
                        job_runs.c.finished_at.is_(None),
                        job_runs.c.lease_until.is_(None) | (job_runs.c.lease_until <= now),
                    )
                    .values(
                        attempts=job_runs.c.attempts + 1,
                        lease_owner=owner,
                        lease_until=lease_until,
                    )
                    .returning(*job_runs.c)
                )
            ).one_or_none()
        return None if resumed is None else run_from_row(resumed)

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
        values: dict[str, Any] = {"phase": phase.value}
        if slack_ts is not None:
            values["slack_ts"] = slack_ts
        if note is not None:
            values["note"] = error_text(note)
        if phase is RunPhase.DONE:
            values.update(finished_at=now, lease_until=None)
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(job_runs).where(_held(run, owner)).values(**values)
            )
        return result.rowcount == 1

    async def release(
        self, run: JobRun, owner: str, retry_at: datetime, error: str, *, phase: RunPhase
    ) -> bool:
        async with self._engine.begin() as connection:
            result = await connection.execute(
                update(job_runs)
                .where(_held(run, owner))
                .values(
                    phase=phase.value,
                    lease_owner=None,
                    lease_until=retry_at,
                    note=error_text(error),
                )
            )
        return result.rowcount == 1

    async def get(self, job: str, venue_id: VenueId, day: date) -> JobRun | None:
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(select(job_runs).where(_key(job, venue_id, day)))
            ).one_or_none()
        return None if row is None else run_from_row(row)


def _key(job: str, venue_id: int, day: date) -> ColumnElement[bool]:
    return (job_runs.c.job == job) & (job_runs.c.venue_id == venue_id) & (job_runs.c.day == day)


def _held(run: JobRun, owner: str) -> ColumnElement[bool]:
    return (
        _key(run.job, run.venue_id, run.day)
        & (job_runs.c.lease_owner == owner)
        & job_runs.c.finished_at.is_(None)
    )


def run_from_row(row: Row[Any]) -> JobRun:
    return JobRun(
        job=row.job,
        venue_id=VenueId(row.venue_id),
        day=row.day,
        phase=RunPhase(row.phase),
        attempts=row.attempts,
        started_at=row.started_at,
        slack_ts=row.slack_ts,
        finished_at=row.finished_at,
        note=row.note,
    )
