"""Alembic's environment for barback, run by `storage.migrate` (or the `alembic` command with
`storage/alembic.ini` when writing a new revision).

`storage.migrate` hands over an open connection in `config.attributes["connection"]`, inside a
transaction it commits; the `alembic` command gives a URL instead, and this file opens the database
itself. SQLite gets `render_as_batch`: it can alter a table only by copying it.
"""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from storage.database import open_database
from storage.tables import metadata

config = context.config


def configure(connection: Connection) -> None:
    # A PostgreSQL schema (the tests give each test one) arrives as the connection's search_path,
    # so tables and alembic_version land in it unqualified; naming it again here as
    # version_table_schema would make autogenerate see alembic_version as a foreign table.
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_with(connection: Connection) -> None:
    configure(connection)
    with context.begin_transaction():
        context.run_migrations()


async def run_with_url(url: str) -> None:
    database = await open_database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(run_with)
    finally:
        await database.close()


def run_offline(url: str) -> None:
    context.configure(
        url=url,
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=url.startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


given: Connection | None = config.attributes.get("connection")
if context.is_offline_mode():
    run_offline(config.get_main_option("sqlalchemy.url") or "")
elif given is not None:
    run_with(given)
else:
    asyncio.run(run_with_url(config.get_main_option("sqlalchemy.url") or ""))
