"""`barback demo` against the real app on a test server: the night is booked, the unmapped item
shows, and a rerun with the same seed is all duplicates."""

from __future__ import annotations

import io

import pytest
from aiohttp.test_utils import TestServer

from app.clock import SystemClock
from app.config import Settings
from app.demo import demo
from bot.commands.session import Actor, SessionContext, run
from storage.database import Database
from tests.app.webhook_world import settled, webhook_app
from tests.conftest import DbTarget


@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
async def test_the_demo_night_is_booked_and_shows_the_unmapped_item(
    database: Database, db_target: DbTarget
) -> None:
    server = TestServer(webhook_app(database))
    await server.start_server()
    settings = Settings.from_env({"DATABASE_URL": db_target.url})
    url = str(server.make_url("")).rstrip("/")
    out = io.StringIO()
    try:
        sent = await demo(settings, url=url, slug="demo", receipts=40, seed=7, out=out)
        assert (sent.total, sent.accepted, sent.refused, sent.failed) == (41, 41, 0, 0), out
        await settled(database)
        again = await demo(settings, url=url, slug="demo", receipts=40, seed=7, out=io.StringIO())
        assert (again.accepted, again.duplicate) == (0, 41)
    finally:
        await server.close()
    assert "sent 41 events: accepted 41, duplicate 0, refused 0" in out.getvalue()

    async with database.unit_of_work() as uow:
        venue = await uow.venues.get("demo")
    ctx = SessionContext(venue, Actor.terminal("test"), database.unit_of_work, SystemClock())
    sales = await run("sales today", ctx)
    assert sales.ok, sales.summary
    assert sales.data["receipts"] > 0, sales.data
    assert float(str(sales.data["net_sales"])) > 0, sales.data
    unmapped = await run("unmapped", ctx)
    assert unmapped.ok and "Espresso Martini" in unmapped.to_json()
