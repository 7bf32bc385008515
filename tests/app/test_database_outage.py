"""A database that hangs: webhooks get a quick 503 with Retry-After (the POS retries), the outage
is logged once and its end once, and the writer, the worker and the alert dispatcher carry on by
themselves when the database answers again.

PostgreSQL hangs behind a proxy that stops forwarding (a frozen server, as its clients see it);
SQLite hangs on another process holding the write lock. Both are released by the test.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

import pytest
from pytest_aiohttp import AiohttpClient
from sqlalchemy import select
from sqlalchemy.engine import make_url

import storage.inbox_batch
from app.notify import run_notifications_key
from engine.alerts import AlertKind, NewAlert
from engine.inbox import RawEvent
from engine.venue_admin import venue_secret
from storage.database import Database, DatabaseUnavailable, open_database
from storage.inbox_writer import inbox_writer
from storage.migrate import upgrade
from storage.tables import webhook_events
from tests.app.webhook_world import (
    Client,
    books,
    closed,
    generic_bar,
    post,
    settled,
    signed,
    stored,
    webhook_app,
)
from tests.conftest import DbTarget
from tests.engine.usecases_world import make_world
from tests.fakes.hangs import FreezableProxy, SqliteLockHolder
from tests.fakes.slack import FakeSlack

ALERTS = "C0ALERTS"
ANSWER_WITHIN = 5.0  # the promise: a webhook is answered within 5 s, whatever the database does


class Hang(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class FrozenPostgres:
    def __init__(self, proxy: FreezableProxy) -> None:
        self._proxy = proxy

    async def start(self) -> None:
        self._proxy.freeze()

    async def stop(self) -> None:
        self._proxy.thaw()


class LockedSqlite:
    def __init__(self, path: Path) -> None:
        self._holder = SqliteLockHolder(path)

    async def start(self) -> None:
        await self._holder.__aenter__()

    async def stop(self) -> None:
        await self._holder.release()


@asynccontextmanager
async def hangable(db_target: DbTarget) -> AsyncIterator[tuple[Database, Hang]]:
    """A migrated database the app talks to, and how to make it hang."""
    await upgrade(db_target.url)
    if db_target.dialect == "sqlite":
        path = Path(str(make_url(db_target.url).database))
        database = await open_database(db_target.url)
        try:
            yield database, LockedSqlite(path)
        finally:
            await database.close()
        return
    url = make_url(db_target.url)
    async with FreezableProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port)
        database = await open_database(proxied.render_as_string(hide_password=False))
        try:
            yield database, FrozenPostgres(proxy)
        finally:
            proxy.thaw()
            await database.close()


async def timed_post(client: Client, venue: str, secret: str, n: int) -> tuple[int, float, str]:
    body, headers = signed(secret, closed(n))
    started = time.monotonic()
    response = await client.post(f"/webhooks/generic/{venue}", data=body, headers=headers)
    await response.read()
    return response.status, time.monotonic() - started, response.headers.get("Retry-After", "")


async def until(check: Callable[[], Awaitable[bool]], *, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError("not recovered in time")
        await asyncio.sleep(0.2)


@pytest.mark.slow
async def test_a_hung_database_answers_503_fast_logs_once_and_recovers(
    db_target: DbTarget, aiohttp_client: AiohttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    async with FakeSlack() as slack, hangable(db_target) as (database, hang):
        world, secret = await generic_bar(database)
        await make_world(database, venue="uptown")  # never looked up before the hang
        other_secret = await venue_secret(database.unit_of_work, "uptown")
        env = {
            "SLACK_BOT_TOKEN": slack.token,
            "SLACK_SIGNING_SECRET": "s" * 32,
            "SLACK_API_URL": slack.api_url,
        }
        app = webhook_app(database, env=env)
        app[run_notifications_key] = True
        client = await aiohttp_client(app)

        assert (await post(client, "downtown", secret, closed(1)))[0] == 200
        await settled(database)
        # An alert falls due while the database hangs: the dispatcher sends it afterwards.
        async with database.unit_of_work() as uow:
            venue_id = (await uow.venues.get("downtown")).id
            payload: dict[str, object] = {
                "channel": ALERTS,
                "venue": "Downtown",
                "product": "Tito's Vodka",
                "on_hand": "3",
                "reorder_at": "2",
                "cause": "a count",
            }
            due = datetime.now(UTC) + timedelta(seconds=1)
            await uow.alerts.add(NewAlert(venue_id, AlertKind.RESTOCKED, "k1", payload, due), due)
            await uow.commit()

        caplog.set_level(logging.INFO)
        await hang.start()
        try:
            async with asyncio.timeout(30):  # before the fix, they hung as long as the database
                answers = await asyncio.gather(
                    *(timed_post(client, "downtown", secret, n) for n in range(2, 7)),
                    timed_post(client, "uptown", other_secret, 100),
                )
                healthz = await client.get("/healthz")
                assert healthz.status == 503
                await asyncio.sleep(2)  # the alert falls due, the worker polls: all still waiting
                again = await timed_post(client, "downtown", secret, 7)
        finally:
            await hang.stop()

        for status, seconds, retry_after in [*answers, again]:
            assert status == 503
            assert retry_after.isdigit()
            assert seconds < ANSWER_WITHIN

        # The POS retries: answered, and booked; the alert goes out; the health check is fine.
        async def stored_again() -> bool:
            return (await post(client, "downtown", secret, closed(2)))[0] == 200

        await until(stored_again)
        for n in range(3, 8):
            assert (await post(client, "downtown", secret, closed(n)))[0] == 200
        await settled(database, timeout=60)
        assert (await books(world)).receipts == 7
        await slack.wait_for("chat.postMessage", timeout=60)
        assert len(slack.messages[ALERTS]) == 1
        assert (await client.get("/healthz")).status == 200
        assert await stored(database, state="done") == 7

        outage = [r.getMessage() for r in caplog.records if r.name == "storage.database"]
        assert len(outage) == 2, outage
        assert outage[0].startswith("database unavailable (")
        assert outage[1].startswith("database answers again after ")
        errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors == outage[:1]
        assert not [r for r in caplog.records if r.exc_info]


async def test_a_writer_batch_given_up_on_leaves_the_pool_usable(
    db_target: DbTarget, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch whose server vanished without a word is given up after BATCH_TIMEOUT_SECONDS
    (30 s; 1 s here) on the async engine: cancelling it must not poison the connection pool."""
    monkeypatch.setattr(storage.inbox_batch, "BATCH_TIMEOUT_SECONDS", 1.0)
    async with hangable(db_target) as (database, hang):
        writer = inbox_writer(database, threaded=False)
        await writer.start()
        try:
            assert not (await writer.submit(raw("before"))).duplicate
            await hang.start()
            try:
                with pytest.raises(DatabaseUnavailable):
                    await writer.submit(raw("during"))
            finally:
                await hang.stop()
            deadline = time.monotonic() + 60
            while True:
                try:
                    await writer.submit(raw("after"))
                    break
                except DatabaseUnavailable:
                    assert time.monotonic() < deadline, "the writer did not recover"
                    await asyncio.sleep(0.2)
        finally:
            await writer.stop()
        async with database.engine.connect() as connection:
            keys = set(await connection.scalars(select(webhook_events.c.dedupe_key)))
        assert {"before", "after"} <= keys


def raw(key: str) -> RawEvent:
    return RawEvent("generic", key, None, datetime.now(UTC), {}, b"{}")
