"""The inbox writer alone (no HTTP): events/s for 20,000 submits from 32 concurrent tasks.

SQLite is a fresh file with synchronous=FULL, once with the writer on its own thread (sync
SQLAlchemy on pysqlite, the default) and once on the async engine (aiosqlite), the comparison that
chose the default. PostgreSQL (TEST_POSTGRES_URL, else the local test server) runs
in a throwaway schema when it answers, and is skipped with the reason when it does not.

Each event is a 3.3 KB body with a unique dedupe key, like performance.md's webhook runs.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text

from engine.inbox import RawEvent
from storage.database import Database, DatabaseUnavailable, open_database
from storage.inbox_writer import WriterStats, inbox_writer
from storage.migrate import upgrade_database
from storage.tables import webhook_events

EVENTS = 20_000
CONCURRENCY = 32
BODY = b'{"type":"order.updated","data":{"lines":[' + b'{"uid":"x","qty":"1"},' * 150 + b"{}]}}"
HEADERS = {"content-type": "application/json", "x-square-hmacsha256-signature": "c2lnbmF0dXJl"}
POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def run() -> None:
    """Print the writer's throughput on each database this machine has."""
    print(f"inbox writer: {EVENTS:,} submits, {CONCURRENCY} concurrent tasks, {len(BODY):,} B body")
    with tempfile.TemporaryDirectory() as folder:
        for threaded in (True, False):
            url = f"sqlite+aiosqlite:///{Path(folder) / f'bench-{threaded}.db'}"
            label = "sqlite FULL, writer thread" if threaded else "sqlite FULL, async engine"
            asyncio.run(_measure(label, url, threaded=threaded))
    # Never DATABASE_URL: a benchmark has no business in the production database.
    asyncio.run(_measure_postgres(os.environ.get("TEST_POSTGRES_URL", POSTGRES_URL)))


async def _measure(
    label: str, url: str, *, threaded: bool | None = None, schema: str | None = None
) -> None:
    database = await open_database(url, schema=schema)
    try:
        await upgrade_database(database)
        rate, stats = await _submit_all(database, threaded=threaded)
        async with database.engine.connect() as connection:
            stored = await connection.scalar(select(func.count()).select_from(webhook_events))
    finally:
        await database.close()
    assert stored == EVENTS, f"{stored} rows for {EVENTS} submits"
    print(
        f"  {label:<30} {rate:8,.0f} events/s"
        f"  ({stats.batches:,} commits, mean batch {EVENTS / stats.batches:.1f},"
        f" largest {stats.largest_batch})"
    )


async def _measure_postgres(url: str) -> None:
    schema = f"bench_{secrets.token_hex(4)}"
    admin = await open_database(url)
    try:
        await admin.ping(timeout=3)
    except DatabaseUnavailable as error:
        print(f"  postgresql skipped: {error}")
        await admin.close()
        return
    try:
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        await _measure("postgresql, async engine", url, schema=schema)
    finally:
        async with admin.engine.begin() as connection:
            await connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.close()


async def _submit_all(database: Database, *, threaded: bool | None) -> tuple[float, WriterStats]:
    writer = inbox_writer(database, threaded=threaded)
    await writer.start()
    now = datetime.now(UTC)
    per_task = EVENTS // CONCURRENCY

    async def sender(task: int) -> None:
        for n in range(per_task):
            event = RawEvent("square", f"evt-{task}-{n}", None, now, HEADERS, BODY)
            await writer.submit(event)

    started = time.perf_counter()
    await asyncio.gather(*(sender(task) for task in range(CONCURRENCY)))
    elapsed = time.perf_counter() - started
    await writer.stop()
    return EVENTS / elapsed, writer.stats


def main() -> int:
    """The `python -m bench` entry point (`BENCHMARKS["webhooks_inbox"]`)."""
    run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
