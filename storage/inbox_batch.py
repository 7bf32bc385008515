"""One group commit: a batch of raw events in one transaction, and the two places it can run.

`write_batch` is plain synchronous SQLAlchemy Core over a `Connection`, so the same code runs on the
async engine (through `run_sync`, PostgreSQL) and on a dedicated thread with its own pysqlite
connection (SQLite, where bench/webhooks_inbox.py measured the thread faster: the aiosqlite bridge
costs a thread hop per cursor call, the thread pays one hop per batch).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, event, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine

from engine.inbox import EventId, RawEvent, SubmitResult
from storage.database import SQLITE_PRAGMAS
from storage.tables import webhook_events as events_table

Key = tuple[str, str]

# A batch on the async engine gives up after this long. A database that merely hangs (frozen,
# overloaded) answers the batch when it returns, but a connection whose server vanished without a
# word (a failover, a cut network) would otherwise hold the writer until TCP gives up, hours later.
# The webhooks waiting on it were answered 503 long before (storage/inbox_writer.py).
BATCH_TIMEOUT_SECONDS = 30.0


class BatchWriter(Protocol):
    async def write(self, events: Sequence[RawEvent]) -> list[SubmitResult]:
        """Store `events` in ONE transaction and return once it has committed, one result per
        event in order. Raises (and stores nothing) when the transaction fails."""
        ...

    async def close(self) -> None: ...

    @property
    def sync_engine(self) -> Engine:
        """The engine whose transactions are the batches (tests and metrics count its commits)."""
        ...


def write_batch(connection: Connection, events: Sequence[RawEvent]) -> list[SubmitResult]:
    """Insert the batch with one multi-row `INSERT ... ON CONFLICT DO NOTHING RETURNING`.

    Two deliveries of one event can sit in the same batch (a POS retrying fast, or two of its
    servers racing), so the batch is deduplicated first: PostgreSQL refuses to touch one row twice
    in a statement, and the second would get no id back anyway. The first delivery of a key is the
    original; every later one, in this batch or stored before, is a duplicate of its id.
    """
    firsts: dict[Key, RawEvent] = {}
    for raw in events:
        firsts.setdefault((raw.provider, raw.dedupe_key), raw)

    # executemany with RETURNING: SQLAlchemy's "insertmanyvalues" sends it as multi-row VALUES
    # (one statement for up to 1,000 rows). Conflicting rows return nothing, so rows are matched
    # by key rather than by position.
    statement = (
        _insert(connection.dialect.name)
        .on_conflict_do_nothing(index_elements=[events_table.c.provider, events_table.c.dedupe_key])
        .returning(events_table.c.id, events_table.c.provider, events_table.c.dedupe_key)
    )
    rows = connection.execute(statement, [_values(raw) for raw in firsts.values()])
    inserted: dict[Key, int] = {(row.provider, row.dedupe_key): row.id for row in rows}

    stored_before = [key for key in firsts if key not in inserted]
    existing = _existing_ids(connection, stored_before) if stored_before else {}

    results: list[SubmitResult] = []
    answered: set[Key] = set()
    for raw in events:
        key = (raw.provider, raw.dedupe_key)
        if key in inserted:
            results.append(SubmitResult(EventId(inserted[key]), duplicate=key in answered))
            answered.add(key)
        else:
            results.append(SubmitResult(EventId(existing[key]), duplicate=True))
    return results


def _insert(dialect: str) -> postgresql.Insert | sqlite.Insert:
    if dialect == "postgresql":
        return postgresql.insert(events_table)
    if dialect == "sqlite":
        return sqlite.insert(events_table)
    raise RuntimeError(f"unsupported dialect {dialect}")


def _values(raw: RawEvent) -> dict[str, Any]:
    return {
        "provider": raw.provider,
        "dedupe_key": raw.dedupe_key,
        "venue_id": raw.venue_id,
        "received_at": raw.received_at,
        "headers": dict(raw.headers),
        "body": raw.body,
        "state": "pending",
        "attempts": 0,
        # Due at once: the claim query reads (state, next_attempt_at) from one index.
        "next_attempt_at": raw.received_at,
    }


def _existing_ids(connection: Connection, keys: list[Key]) -> dict[Key, int]:
    # Visible here on both dialects: PostgreSQL's ON CONFLICT waited for the other transaction
    # to commit, and this statement (READ COMMITTED) sees it; SQLite has one writer at a time.
    key_columns = tuple_(events_table.c.provider, events_table.c.dedupe_key)
    rows = connection.execute(
        select(events_table.c.id, events_table.c.provider, events_table.c.dedupe_key).where(
            key_columns.in_(keys)
        )
    )
    found = {(row.provider, row.dedupe_key): row.id for row in rows}
    if len(found) != len(keys):
        raise RuntimeError("an event conflicted on its dedupe key but cannot be found")
    return found


class EngineBatches:
    """Batches on the process's async engine: PostgreSQL (asyncpg), and in-memory SQLite."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def write(self, events: Sequence[RawEvent]) -> list[SubmitResult]:
        async with asyncio.timeout(BATCH_TIMEOUT_SECONDS), self._engine.begin() as connection:
            return await connection.run_sync(write_batch, events)

    async def close(self) -> None:
        """The engine belongs to the `Database`, which closes it."""

    @property
    def sync_engine(self) -> Engine:
        return self._engine.sync_engine


class SqliteThreadBatches:
    """Batches on one OS thread with its own pysqlite connection to the database file.

    That connection is a second writer beside the async engine's; the two take turns on SQLite's
    write lock through `BEGIN IMMEDIATE` and the busy timeout, like the CLI beside the server.
    """

    def __init__(self, url: URL) -> None:
        self._engine = create_engine(
            url.set(drivername="sqlite+pysqlite"), pool_size=1, max_overflow=0, hide_parameters=True
        )
        event.listen(self._engine, "connect", _on_connect)
        event.listen(self._engine, "begin", _on_begin)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="barback-inbox")
        self._connection: Connection | None = None  # only touched on that thread
        self._closed = False

    @property
    def sync_engine(self) -> Engine:
        return self._engine

    async def write(self, events: Sequence[RawEvent]) -> list[SubmitResult]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._write, events)

    def _write(self, events: Sequence[RawEvent]) -> list[SubmitResult]:
        if self._connection is None or self._connection.closed:
            self._connection = self._engine.connect()
        with self._connection.begin():
            return write_batch(self._connection, events)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._thread, self._close)
        self._thread.shutdown(wait=True)

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._engine.dispose()


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The same settings as storage.database's connections (synchronous=FULL: acknowledged means
    # on disk), with transaction control taken from the sqlite3 module so BEGIN IMMEDIATE is ours.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()


def _on_begin(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


class DirectSink:
    """An `EventSink` of one transaction per event, for producers far rarer than webhooks (the
    daily menu request, a POS just connected) in processes with no inbox writer."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._batches = EngineBatches(engine)

    async def submit(self, event: RawEvent) -> SubmitResult:
        (result,) = await self._batches.write([event])
        return result
