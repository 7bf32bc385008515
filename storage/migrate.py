"""Schema migrations, run from code: `await upgrade(url)` is what `barback db upgrade` does.

The Alembic configuration is built here, pointing at the `migrations` folder inside this package,
so an installed barback needs no alembic.ini and no working directory of its own.

Every other command opens the database with `open_migrated`, which refuses (`DatabaseNotReady`,
with what to do) a SQLite file that does not exist, without creating it, and a database whose
schema is not the one this code knows. A command run in the wrong folder once answered "no such
table: venues" and left an empty database file behind.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection

from engine.errors import EngineError
from storage.database import Database, normalise_url, open_database, split_schema

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

# Any constant will do: it only has to be the same in every process that migrates.
POSTGRES_MIGRATION_LOCK = 7_262_362_874_001


def alembic_config() -> Config:
    from alembic.config import Config  # imported when migrating: the other commands start faster

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    """The newest revision this code knows."""
    from alembic.script import ScriptDirectory

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
        from alembic import command

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
    from alembic.runtime.migration import MigrationContext

    def read(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with database.engine.connect() as connection:
        return await connection.run_sync(read)


class DatabaseNotReady(EngineError):
    """No database where DATABASE_URL points, or not at this code's schema: run db upgrade."""

    code = "database_not_ready"


_REVISION = re.compile(r"^revision(?::\s*str)?\s*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN = re.compile(r"^down_revision[^=]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)


@cache
def known_revisions() -> tuple[frozenset[str], str]:
    """Every revision this code knows and the newest, read straight from the revision files
    without loading Alembic (every command checks them; Alembic adds a fifth of a second)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found[1])
        if down := _DOWN.search(source):
            parents.add(down[1])
    heads = revisions - parents
    # Anything this reader does not follow (a merge of branches): ask Alembic.
    head = heads.pop() if len(heads) == 1 else head_revision()
    return frozenset(revisions), head


async def open_migrated(url: str) -> Database:
    """The database at `url`, open, at this code's schema; `DatabaseNotReady` (creating
    nothing) when it is missing or at another revision."""
    parsed, _ = split_schema(normalise_url(url), None)
    where = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(str(parsed.database)).expanduser()
        if not path.exists():
            raise DatabaseNotReady(
                f"there is no database at {path.resolve()}",
                hint="run `barback db upgrade` to create it, or set DATABASE_URL to the one meant",
            )
        where = str(path.resolve())
    database = await open_database(url)
    try:
        revision = await _revision(database, where)
    except BaseException:
        await database.close()
        raise
    known, head = known_revisions()
    if revision == head:
        return database
    await database.close()
    if revision is None:
        raise DatabaseNotReady(
            f"the database at {where} has no barback tables yet",
            hint="run `barback db upgrade` to create them",
        )
    if revision in known:
        raise DatabaseNotReady(
            f"the database at {where} is at schema revision {revision}, this barback needs {head}",
            hint="run `barback db upgrade` to migrate it",
        )
    raise DatabaseNotReady(
        f"the database at {where} was migrated by a newer barback (schema revision {revision})",
        hint="run that version of barback, or a newer one",
    )


async def _revision(database: Database, where: str) -> str | None:
    try:
        async with database.engine.connect() as connection:
            found = await connection.scalar(text("SELECT version_num FROM alembic_version"))
            return None if found is None else str(found)
    except Exception as error:
        message = str(getattr(error, "orig", None) or error).lower()
        if "alembic_version" in message and (
            "no such table" in message or "does not exist" in message
        ):
            return None
        if "database" in message and "does not exist" in message:  # PostgreSQL: no such database
            raise DatabaseNotReady(
                f"there is no database {database.url.database!r} at {where}",
                hint=f"create it (e.g. createdb {database.url.database}), then barback db upgrade",
            ) from None
        raise
