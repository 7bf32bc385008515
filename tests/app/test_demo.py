"""`barback demo` against the real app on a test server: the night is booked, the unmapped item
shows, and a rerun with the same seed is all duplicates."""

from __future__ import annotations

import io

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from app.clock import SystemClock
from app.config import Settings
from app.demo import ServiceUnavailable, demo
from bot.commands.session import Actor, SessionContext, run
from engine.venue_admin import list_venues
from storage.database import Database
from tests.app.test_serve import free_port
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
    assert f"the service at {url} is healthy (checked {url}/healthz)" in out.getvalue()

    async with database.unit_of_work() as uow:
        venue = await uow.venues.get("demo")
    ctx = SessionContext(venue, Actor.terminal("test"), database.unit_of_work, SystemClock())
    sales = await run("sales today", ctx)
    assert sales.ok, sales.summary
    assert sales.data["receipts"] > 0, sales.data
    assert float(str(sales.data["net_sales"])) > 0, sales.data
    unmapped = await run("unmapped", ctx)
    assert unmapped.ok and "Espresso Martini" in unmapped.to_json()


@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
async def test_without_a_service_the_demo_creates_nothing(
    database: Database, db_target: DbTarget
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings = Settings.from_env({"DATABASE_URL": db_target.url})
    with pytest.raises(ServiceUnavailable) as refused:
        await demo(settings, url=url, slug="demo", receipts=5, seed=1, out=io.StringIO())
    assert str(refused.value) == (
        f"no barback service at {url}/healthz: nothing answered; start it with `make run` or "
        "`barback serve`, or pass --url"
    )
    assert list(await list_venues(database.unit_of_work)) == []


@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
async def test_an_unhealthy_service_is_named(database: Database, db_target: DbTarget) -> None:
    async def unhealthy(request: web.Request) -> web.Response:
        return web.json_response({"status": "unavailable"}, status=503)

    app = web.Application()
    app.router.add_get("/healthz", unhealthy)
    server = TestServer(app)
    await server.start_server()
    url = str(server.make_url("")).rstrip("/")
    settings = Settings.from_env({"DATABASE_URL": db_target.url})
    try:
        with pytest.raises(ServiceUnavailable, match=r"is not healthy \(HTTP 503"):
            await demo(settings, url=url, slug="demo", receipts=5, seed=1, out=io.StringIO())
    finally:
        await server.close()
