"""Migrations: `upgrade head` builds exactly `storage.tables.metadata`, and twice is harmless."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.database import Database, open_database
from storage.migrate import current_revision, head_revision, upgrade
from storage.tables import metadata
from tests.conftest import DbTarget


def schema_diffs(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def diffs(database: Database) -> list[Any]:
    async with database.engine.connect() as connection:
        return await connection.run_sync(schema_diffs)


async def table_names(database: Database) -> set[str]:
    async with database.engine.connect() as connection:
        return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))


async def test_upgrade_builds_exactly_the_tables(db_target: DbTarget) -> None:
    await upgrade(db_target.url)

    database = await open_database(db_target.url)
    try:
        assert await diffs(database) == []
        assert await table_names(database) == {*metadata.tables, "alembic_version"}
    finally:
        await database.close()


async def test_upgrade_twice_is_harmless(db_target: DbTarget) -> None:
    await upgrade(db_target.url)
    await upgrade(db_target.url)

    assert await current_revision(db_target.url) == head_revision()


async def test_an_empty_database_has_no_revision(db_target: DbTarget) -> None:
    assert await current_revision(db_target.url) is None


async def test_the_schema_argument_equals_the_schema_in_the_url(db_target: DbTarget) -> None:
    if db_target.schema is None:
        return
    plain_url = db_target.url.split("?")[0]
    await upgrade(plain_url, schema=db_target.schema)

    assert await current_revision(db_target.url) == head_revision()
