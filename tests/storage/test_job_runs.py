"""`SqlJobRuns`: one claim wins a (job, venue, day) slot, however many processes race for it."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

from sqlalchemy import select

from storage.database import Database, open_database
from storage.job_runs import SqlJobRuns
from storage.tables import job_runs
from tests.conftest import DbTarget
from tests.engine.usecases_world import make_world

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
DAY = date(2026, 11, 22)


async def venue_id(database: Database) -> int:
    world = await make_world(database)
    async with database.unit_of_work() as uow:
        return int((await uow.venues.get(world.venue)).id)


async def test_a_slot_is_claimed_once_then_finished(database: Database) -> None:
    venue = await venue_id(database)
    runs = SqlJobRuns(database.engine)
    assert await runs.claim("square-reconcile@02:00:00", venue, DAY, NOW)
    assert not await runs.claim("square-reconcile@02:00:00", venue, DAY, NOW)
    assert await runs.claim("square-reconcile@02:05:00", venue, DAY, NOW)
    assert await runs.claim("square-reconcile@02:00:00", venue, date(2026, 11, 23), NOW)
    await runs.finish("square-reconcile@02:00:00", venue, DAY, NOW)
    async with database.engine.connect() as db:
        rows = (
            await db.execute(select(job_runs.c.job, job_runs.c.day, job_runs.c.finished_at))
        ).all()
    finished = {(job, day) for job, day, at in rows if at is not None}
    assert finished == {("square-reconcile@02:00:00", DAY)}


async def test_concurrent_claims_from_two_engines_have_one_winner(
    database: Database, db_target: DbTarget
) -> None:
    venue = await venue_id(database)
    other = await open_database(db_target.url)
    try:
        claimers = [SqlJobRuns(database.engine), SqlJobRuns(other.engine)] * 5
        won = await asyncio.gather(*(r.claim("job", venue, DAY, NOW) for r in claimers))
    finally:
        await other.close()
    assert sorted(won) == [False] * 9 + [True]


async def test_prune_forgets_only_old_runs_of_the_named_job(database: Database) -> None:
    venue = await venue_id(database)
    runs = SqlJobRuns(database.engine)
    for job in ("square-reconcile@02:00:00", "summary", "square_reconcile@x"):
        for day in (date(2026, 11, 19), date(2026, 11, 20), DAY):
            assert await runs.claim(job, venue, day, NOW)
    assert await runs.prune("square-reconcile@", venue, date(2026, 11, 20)) == 1
    async with database.engine.connect() as db:
        left = (await db.execute(select(job_runs.c.job, job_runs.c.day))).all()
    assert len(left) == 8
    assert ("square-reconcile@02:00:00", date(2026, 11, 19)) not in set(left)
