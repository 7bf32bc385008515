"""Schema migrations, run from code: `await upgrade(url)` is what `barback db upgrade` does.

The Alembic configuration is built here, pointing at the `migrations` folder inside this package,
so an installed barback needs no alembic.ini and no working directory of its own.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.database import Database, open_database

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Any constant will do: it only has to be the same in every process that migrates.
POSTGRES_MIGRATION_LOCK = 7_262_362_874_001


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS}")
    return head


async def upgrade(url: str, *, schema: str | None = None, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision`. Safe to run again, and from two processes."""
    database = await open_database(url, schema=schema)
    try:
        await upgrade_database(database, revision=revision)
    finally:
        await database.close()


async def upgrade_database(database: Database, *, revision: str = "head") -> None:
    """`upgrade` on a database that is already open (the server at startup, tests)."""
    # The schema, if any, is already the connections' search_path (see open_database).
    config = alembic_config()

    def run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql":
            # Two processes starting together must not both create the tables; on SQLite the
            # transaction's BEGIN IMMEDIATE already serialises them.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_MIGRATION_LOCK}
            )
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with database.engine.begin() as connection:
        await connection.run_sync(run)


async def current_revision(url: str, *, schema: str | None = None) -> str | None:
    """The revision the database at `url` is at; None when it was never migrated."""
    database = await open_database(url, schema=schema)
    try:
        return await database_revision(database)
    finally:
        await database.close()


async def database_revision(database: Database) -> str | None:
    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.engine.connect() as connection:
        return await connection.run_sync(read)
