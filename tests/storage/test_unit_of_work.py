"""The unit of work: one transaction, rolled back unless committed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.database import Database
from storage.tables import audit_log
from tests.storage.samples import AT, new_venue


async def venue_slugs(database: Database) -> list[str]:
    async with database.unit_of_work() as uow:
        return [venue.slug for venue in await uow.venues.list()]


async def test_leaving_without_commit_keeps_nothing(database: Database) -> None:
    async with database.unit_of_work() as uow:
        await uow.venues.add(new_venue("downtown"))
        assert [venue.slug for venue in await uow.venues.list()] == ["downtown"]

    assert await venue_slugs(database) == []


async def test_an_error_rolls_back(database: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"):
        async with database.unit_of_work() as uow:
            await uow.venues.add(new_venue("downtown"))
            raise RuntimeError("boom")

    assert await venue_slugs(database) == []


async def test_an_explicit_rollback_undoes_the_work(database: Database) -> None:
    async with database.unit_of_work() as uow:
        await uow.venues.add(new_venue("downtown"))
        await uow.rollback()

    assert await venue_slugs(database) == []


async def test_commit_keeps_the_work(database: Database) -> None:
    async with database.unit_of_work() as uow:
        await uow.venues.add(new_venue("downtown"))
        await uow.commit()

    assert await venue_slugs(database) == ["downtown"]


async def test_a_unit_of_work_is_used_once(database: Database) -> None:
    uow = database.unit_of_work()
    with pytest.raises(RuntimeError, match="not open"):
        _ = uow.connection
    async with uow:
        pass
    with pytest.raises(RuntimeError, match="once"):
        async with uow:
            pass


async def test_the_audit_log_keeps_old_and_new_values(database: Database) -> None:
    async with database.unit_of_work() as uow:
        venue = await uow.venues.add(new_venue("downtown"))
        await uow.audit.record(
            venue_id=venue.id,
            actor="slack:U123",
            action="venue.add",
            target="downtown",
            old=None,
            new=new_venue("downtown"),
            at=AT,
        )
        await uow.commit()

    async with database.engine.connect() as connection:
        row = (await connection.execute(select(audit_log))).one()

    assert (row.venue_id, row.actor, row.action, row.target, row.at) == (
        venue.id,
        "slack:U123",
        "venue.add",
        "downtown",
        AT,
    )
    assert row.old is None
    assert row.new == {
        "slug": "downtown",
        "name": "Downtown",
        "timezone": "America/New_York",
        "currency": "USD",
        "units": "us",
        "webhook_secret": "[redacted]",
        "created_at": "2026-11-21T23:30:00+00:00",
    }
