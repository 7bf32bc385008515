"""`UtcDateTime`: aware UTC in, aware UTC out, on both dialects; naive refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from storage.database import Database
from storage.tables import audit_log
from tests.storage.samples import AT


async def insert_at(database: Database, *instants: datetime) -> None:
    async with database.unit_of_work() as uow:
        for at in instants:
            await uow.audit.record(
                venue_id=None,
                actor="t",
                action="a",
                target=at.isoformat(),
                old=None,
                new=None,
                at=at,
            )
        await uow.commit()


async def test_instants_come_back_aware_and_in_utc(database: Database) -> None:
    new_york = timezone(timedelta(hours=-5))
    await insert_at(database, datetime(2026, 11, 21, 18, 30, 0, 123456, tzinfo=new_york))

    async with database.engine.connect() as connection:
        stored = await connection.scalar(select(audit_log.c.at))

    assert stored == datetime(2026, 11, 21, 23, 30, 0, 123456, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


async def test_naive_instants_are_refused(database: Database) -> None:
    with pytest.raises(StatementError, match="naive"):
        await insert_at(database, datetime(2026, 11, 21, 23, 30))


async def test_ranges_compare_instants_not_text(database: Database) -> None:
    # Written in different offsets and precisions; the range must still see instants.
    plus_two = timezone(timedelta(hours=2))
    inside = [AT, (AT + timedelta(microseconds=1)).astimezone(plus_two)]
    outside = [AT - timedelta(microseconds=1), AT + timedelta(hours=1)]
    await insert_at(database, *inside, *outside)

    async with database.engine.connect() as connection:
        found = list(
            await connection.scalars(
                select(audit_log.c.at)
                .where(audit_log.c.at >= AT, audit_log.c.at < AT + timedelta(hours=1))
                .order_by(audit_log.c.at)
            )
        )

    assert found == sorted(inside)
