"""Opening the database: SQLite's PRAGMAs and single writer, PostgreSQL's schema, ping."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from storage.database import Database, DatabaseUnavailable, open_database
from storage.migrate import upgrade
from storage.tables import audit_log
from tests.conftest import DbTarget
from tests.storage.samples import record_audit


async def test_sqlite_connections_carry_the_pragmas(tmp_path: Path) -> None:
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'pragmas.db'}")
    try:
        async with database.engine.connect() as connection:
            pragmas = {
                name: await connection.scalar(text(f"PRAGMA {name}"))
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
    finally:
        await database.close()

    assert pragmas == {
        "journal_mode": "wal",
        "synchronous": 2,
        "foreign_keys": 1,
        "busy_timeout": 5000,
    }


async def test_sqlite_has_one_connection_and_creates_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "not" / "yet" / "there.db"
    database = await open_database(f"sqlite:///{path}")
    try:
        await database.ping()
        assert database.dialect == "sqlite"
        assert database.engine.pool.size() == 1  # type: ignore[attr-defined]
    finally:
        await database.close()
    assert path.exists()


async def test_foreign_keys_are_enforced(database: Database) -> None:
    async with database.unit_of_work() as uow:
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            await record_audit(uow.connection, venue_id=999_999)


async def test_postgresql_works_in_the_given_schema(
    database: Database, db_target: DbTarget
) -> None:
    if db_target.schema is None:
        assert database.dialect == "sqlite"
        return
    async with database.engine.connect() as connection:
        assert await connection.scalar(text("SELECT current_schema()")) == db_target.schema
    assert database.dialect == "postgresql"
    assert database.engine.pool.size() == 10  # type: ignore[attr-defined]


async def test_ping_answers(database: Database) -> None:
    await database.ping()


async def test_ping_raises_when_postgresql_is_not_there() -> None:
    # Port 1 on the loopback refuses at once: nothing listens there.
    database = await open_database("postgresql+asyncpg://postgres@127.0.0.1:1/test")
    try:
        with pytest.raises(DatabaseUnavailable):
            await database.ping()
    finally:
        await database.close()


async def test_two_processes_worth_of_writers_share_one_file(db_target: DbTarget) -> None:
    """The server and the CLI each open the database; their writes interleave and all land."""
    await upgrade(db_target.url)
    server, cli = await open_database(db_target.url), await open_database(db_target.url)

    async def write(database: Database, n: int) -> None:
        for _ in range(n):
            async with database.unit_of_work() as uow:
                await record_audit(uow.connection, venue_id=None)
                # Hold the transaction across a scheduling point so the other writer must wait.
                await asyncio.sleep(0.001)
                await uow.commit()

    try:
        await asyncio.gather(write(server, 25), write(cli, 25), write(server, 25))
        async with cli.engine.connect() as connection:
            written = await connection.scalar(select(func.count()).select_from(audit_log))
    finally:
        await server.close()
        await cli.close()

    assert written == 75


async def test_open_database_refuses_what_it_cannot_serve(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="schema"):
        await open_database(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", schema="bb_x")
    with pytest.raises(ValueError, match="unsupported"):
        await open_database("mysql+aiomysql://root@127.0.0.1/test")
