"""SQLite: the async engine's connections and the inbox writer's thread take turns in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.inbox import RawEvent
from storage.database import Database, open_database
from storage.inbox_writer import inbox_writer
from storage.migrate import upgrade_database
from storage.tables import webhook_events
from storage.write_turns import turn_of


@pytest.fixture
async def sqlite_file(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    await upgrade_database(database)
    yield database
    await database.close()


def event(key: str) -> RawEvent:
    return RawEvent("generic", key, None, datetime.now(UTC), {}, b"{}")


async def stored(connection_db: Database) -> int:
    async with connection_db.engine.connect() as connection:
        count = await connection.scalar(select(func.count()).select_from(webhook_events))
    return int(count or 0)


async def test_a_waiting_writer_goes_before_a_connection_that_asked_later(
    sqlite_file: Database,
) -> None:
    assert turn_of(sqlite_file.engine) is not None
    writer = inbox_writer(sqlite_file)
    await writer.start()
    try:
        holder = await sqlite_file.engine.connect()  # the worker, mid-transaction
        submitted = asyncio.create_task(writer.submit(event("evt-1")))
        await asyncio.sleep(0.05)
        assert not submitted.done()  # the writer waits for its turn, not in SQLite's busy sleeps
        later = asyncio.create_task(stored(sqlite_file))  # the worker's next transaction
        await asyncio.sleep(0.01)
        await holder.close()
        # Turns go in the order they were asked for: the writer's batch is in before `later` looks.
        assert await later == 1
        assert (await submitted).duplicate is False
    finally:
        await writer.stop()


async def test_connections_keep_working_one_after_another(sqlite_file: Database) -> None:
    counts = await asyncio.gather(*(stored(sqlite_file) for _ in range(20)))
    assert counts == [0] * 20


async def test_an_in_memory_database_takes_no_turns() -> None:
    memory = await open_database("sqlite+aiosqlite://")
    try:
        assert turn_of(memory.engine) is None
    finally:
        await memory.close()
