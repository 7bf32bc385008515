"""Database fixtures shared by every test room.

`db_target` is parametrised over SQLite (a file in tmp_path) and PostgreSQL (a fresh schema per
test, dropped afterwards, so `pytest -n 2` runs never collide). PostgreSQL comes from
TEST_POSTGRES_URL; when it cannot be reached the PostgreSQL half is skipped with the reason, except
on CI (CI=true), where a missing database must not pass silently.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from storage.database import Database, open_database
from storage.migrate import upgrade_database

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True, slots=True)
class DbTarget:
    """Where a test's database lives.

    `url` is self-sufficient: for PostgreSQL it carries `?schema=bb_...`, which `open_database`
    honours, so it can be handed to the app or a subprocess as DATABASE_URL. `schema` names the same
    schema for code that inspects it.
    """

    dialect: Literal["sqlite", "postgresql"]
    url: str
    schema: str | None = None


@dataclass(frozen=True, slots=True)
class PostgresServer:
    url: str
    problem: str | None


def asyncpg_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_problem(url: str) -> str | None:
    try:
        connection = await asyncpg.connect(asyncpg_dsn(url), timeout=3)
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        return f"{type(error).__name__}: {error}"
    await connection.close()
    return None


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer:
    """The test PostgreSQL server, checked once per session (and per xdist worker)."""
    url = os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    # A sync fixture runs outside the test's event loop, so a short-lived loop of its own is safe.
    return PostgresServer(url=url, problem=asyncio.run(postgres_problem(url)))


def require_postgres(server: PostgresServer) -> None:
    if server.problem is None:
        return
    shown = make_url(server.url).render_as_string(hide_password=True)
    postgres_missing = (
        f"PostgreSQL not reachable at {shown} ({server.problem}); set TEST_POSTGRES_URL"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(postgres_missing)
    pytest.skip(postgres_missing)


@pytest.fixture(params=["sqlite", "postgresql"], ids=["sqlite", "postgresql"])
async def db_target(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: PostgresServer
) -> AsyncIterator[DbTarget]:
    """An empty database: a fresh SQLite file, or a fresh PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield DbTarget("sqlite", f"sqlite+aiosqlite:///{tmp_path / 'barback.db'}")
        return
    require_postgres(postgres_server)
    schema = f"bb_{secrets.token_hex(6)}"
    dsn = asyncpg_dsn(postgres_server.url)
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await connection.close()
    url = make_url(postgres_server.url).update_query_dict({"schema": schema})
    try:
        yield DbTarget("postgresql", url.render_as_string(hide_password=False), schema)
    finally:
        connection = await asyncpg.connect(dsn, timeout=10)
        try:
            await connection.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await connection.close()


@pytest.fixture
def database_url(db_target: DbTarget) -> str:
    """The URL of an empty database (both dialects); see `DbTarget.url`."""
    return db_target.url


@pytest.fixture
async def database(db_target: DbTarget) -> AsyncIterator[Database]:
    """An open `Database`, migrated to head, closed after the test."""
    db = await open_database(db_target.url)
    try:
        await upgrade_database(db)
        yield db
    finally:
        await db.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many tests ran on each database, so a CI log shows PostgreSQL really ran."""
    outcomes = ("passed", "failed", "error", "skipped")
    ran = {"sqlite": 0, "postgresql": 0}
    skipped_pg = 0
    for outcome in outcomes:
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if getattr(report, "when", "call") != "call" and outcome != "skipped":
                continue
            for dialect in ran:
                if f"[{dialect}" in nodeid or f"-{dialect}]" in nodeid or f"-{dialect}-" in nodeid:
                    if outcome == "skipped":
                        skipped_pg += dialect == "postgresql"
                    else:
                        ran[dialect] += 1
    terminalreporter.write_line(
        f"databases: {ran['sqlite']} tests ran on SQLite, {ran['postgresql']} on PostgreSQL"
        + (f", {skipped_pg} PostgreSQL tests skipped" if skipped_pg else "")
    )
