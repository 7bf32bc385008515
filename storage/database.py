"""Opening the database: one `AsyncEngine` per process, tuned per dialect.

SQLite gets a single connection. Writers queue on it inside the process (the measured alternative, a
pool of writers, sent p99 from 30 ms to 0.8 s on SQLITE_BUSY sleeps), and every transaction starts
with `BEGIN IMMEDIATE`, so another process (the CLI beside the server) waits on the busy timeout
instead of failing when a read transaction later tries to write. PostgreSQL gets a sized asyncpg
pool.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import StaticPool

from storage.outage import DatabaseUnavailable, Outage, short_reason, within
from storage.unit_of_work import SqlUnitOfWork
from storage.write_turns import TurnTakingEngine

__all__ = ["Database", "DatabaseUnavailable", "open_database"]

Dialect = Literal["sqlite", "postgresql"]

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)

# Async drivers for the plain URL spellings people paste (Heroku still hands out postgres://).
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
}


class Database:
    """The process's handle on the database. Build it with `open_database`; close it once."""

    def __init__(self, engine: AsyncEngine, *, schema: str | None = None) -> None:
        self.engine = engine
        self.schema = schema
        self.outage = Outage()
        """Whether it answers, as this process saw last (storage/outage.py)."""

    @property
    def dialect(self) -> Dialect:
        name = self.engine.dialect.name
        if name not in ("sqlite", "postgresql"):
            raise RuntimeError(f"unsupported dialect {name}")
        return name  # type: ignore[return-value]

    @property
    def url(self) -> URL:
        return self.engine.url

    def unit_of_work(self) -> SqlUnitOfWork:
        """A fresh unit of work: one connection and one transaction, used in `async with`."""
        return SqlUnitOfWork(self.engine)

    async def ping(self, *, timeout: float = 5.0) -> None:
        """`SELECT 1`; raises `DatabaseUnavailable` when the database does not answer in time."""
        try:
            await within(timeout, self._select_one(), "ping", cancel_late=True)
        except DatabaseUnavailable:
            raise
        except Exception as error:
            # Whatever the cause (refused, bad password, missing database), the answer for the
            # caller is the same: the database cannot serve requests now.
            raise DatabaseUnavailable(f"database unreachable: {short_reason(error)}") from error

    async def _select_one(self) -> None:
        async with self.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def close(self) -> None:
        await self.engine.dispose()


async def open_database(
    url: str | URL, *, schema: str | None = None, echo: bool = False
) -> Database:
    """Build the engine for `url`. Connects lazily: call `ping()` to check reachability.

    `schema` (PostgreSQL only) puts the connections' search_path on that schema, so each test can
    have a schema of its own. It may also come in the URL as `?schema=NAME`, which lets a URL alone
    (an environment variable handed to a subprocess) name a test's schema.
    """
    parsed, schema = split_schema(normalise_url(url), schema)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if schema is not None:
            raise ValueError("a schema is only supported on PostgreSQL")
        engine = _sqlite_engine(parsed, echo=echo)
    elif backend == "postgresql":
        engine = _postgresql_engine(parsed, schema=schema, echo=echo)
    else:
        raise ValueError(f"unsupported database URL {parsed.render_as_string(hide_password=True)}")
    return Database(engine, schema=schema)


def normalise_url(url: str | URL) -> URL:
    """The async driver's URL for the plain spellings (`sqlite:///`, `postgres://`)."""
    parsed = make_url(url)
    driver = ASYNC_DRIVERS.get(parsed.drivername)
    return parsed.set(drivername=driver) if driver else parsed


def split_schema(url: URL, schema: str | None) -> tuple[URL, str | None]:
    in_url = url.query.get("schema")
    if in_url is None:
        return url, schema
    if isinstance(in_url, tuple) or (schema is not None and schema != in_url):
        raise ValueError("the URL and the schema argument name different schemas")
    return url.difference_update_query(["schema"]), in_url


def _sqlite_engine(url: URL, *, echo: bool) -> AsyncEngine:
    in_memory = url.database in (None, "", ":memory:")
    if not in_memory:
        assert url.database is not None
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = (
        # An in-memory database lives and dies with its one connection.
        {"poolclass": StaticPool}
        if in_memory
        else {"pool_size": 1, "max_overflow": 0, "pool_timeout": 30}
    )
    # hide_parameters: a failing statement's error text would otherwise carry its values (receipt
    # contents, webhook bodies) into logs and error messages.
    engine = create_async_engine(url, echo=echo, hide_parameters=True, **options)
    if not in_memory:
        # The inbox writer's thread writes the same file: connections take turns with it.
        engine = TurnTakingEngine(engine.sync_engine)
    event.listen(engine.sync_engine, "connect", _on_sqlite_connect)
    event.listen(engine.sync_engine, "begin", _on_sqlite_begin)
    return engine


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module (it begins lazily, before the first
    # write, which is too late to wait for the write lock) and set the PRAGMAs outside any
    # transaction: journal_mode cannot change inside one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_sqlite_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _postgresql_engine(url: URL, *, schema: str | None, echo: bool) -> AsyncEngine:
    connect_args: dict[str, Any] = {"timeout": 10}
    if schema is not None:
        connect_args["server_settings"] = {"search_path": schema}
    return create_async_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        connect_args=connect_args,
    )
