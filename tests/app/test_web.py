"""The real app factory under aiohttp's test client: health, metrics, limits, ids, errors."""

from __future__ import annotations

import asyncio
import io
import json
import re
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

import app.health
from app.config import MAX_BODY_BYTES, Settings
from app.logs import configure_logging
from app.web import create_app
from storage.database import Database, open_database

Client = TestClient[web.Request, web.Application]


def settings_for(url: str = "sqlite+aiosqlite:///:memory:") -> Settings:
    return Settings.from_env({"DATABASE_URL": url})


def closed_port() -> int:
    """A port nothing listens on: bound, then let go."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, tmp_path: Path) -> Client:
    """The app with a database of its own, opened from the settings at startup."""
    app = create_app(settings_for(f"sqlite+aiosqlite:///{tmp_path / 'web.db'}"))

    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"bytes": len(await request.read())})

    async def fail(request: web.Request) -> web.Response:
        raise RuntimeError("the handler broke")

    async def gone(request: web.Request) -> web.Response:
        raise ConnectionResetError("Connection lost")

    # Test-only routes: the limit and the error page apply to every route the app will have.
    app.router.add_post("/test/echo", echo)
    app.router.add_get("/test/fail", fail)
    app.router.add_get("/test/gone", gone)
    return await aiohttp_client(app)


async def test_healthz_answers_ok_on_each_database(
    aiohttp_client: AiohttpClient, database: Database
) -> None:
    client = await aiohttp_client(create_app(settings_for(), database=database))
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_with_a_database_opened_from_settings(client: Client) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_is_503_when_the_database_refuses(aiohttp_client: AiohttpClient) -> None:
    database = await open_database(f"postgresql+asyncpg://barback@127.0.0.1:{closed_port()}/x")
    try:
        client = await aiohttp_client(create_app(settings_for(), database=database))
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.json() == {"status": "unavailable"}
    finally:
        await database.close()


@pytest.fixture
async def silent_server() -> AsyncIterator[int]:
    """A TCP server that accepts connections and never says a word: a hung database."""

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()
        writer.close()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()


async def test_healthz_gives_up_on_a_database_that_hangs(
    aiohttp_client: AiohttpClient,
    silent_server: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(app.health, "PING_TIMEOUT_SECONDS", 0.3)
    database = await open_database(f"postgresql+asyncpg://barback@127.0.0.1:{silent_server}/x")
    try:
        client = await aiohttp_client(create_app(settings_for(), database=database))
        started = time.monotonic()
        response = await client.get("/healthz")
        assert response.status == 503
        assert time.monotonic() - started < 5  # gave up: a hung ping would wait far longer
    finally:
        await database.close()


async def test_metrics_count_requests_by_route_and_status(client: Client) -> None:
    for _ in range(2):
        await client.get("/healthz")
    await client.get("/no/such/page")
    response = await client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    assert 'barback_http_requests_total{method="GET",route="/healthz",status="200"} 2.0' in text
    assert 'barback_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
    assert 'barback_http_request_duration_seconds_count{method="GET",route="/healthz"} 2.0' in text


async def test_each_app_counts_for_itself(
    aiohttp_client: AiohttpClient, database: Database
) -> None:
    first = await aiohttp_client(create_app(settings_for(), database=database))
    second = await aiohttp_client(create_app(settings_for(), database=database))
    await first.get("/healthz")
    text = await (await second.get("/metrics")).text()
    assert 'route="/healthz"' not in text


async def test_bodies_over_one_mebibyte_are_refused(client: Client) -> None:
    response = await client.post("/test/echo", data=io.BytesIO(b"x" * (MAX_BODY_BYTES + 1)))
    assert response.status == 413
    assert "X-Request-Id" in response.headers
    response = await client.post("/test/echo", data=io.BytesIO(b"x" * MAX_BODY_BYTES))
    assert response.status == 200
    assert await response.json() == {"bytes": MAX_BODY_BYTES}
    text = await (await client.get("/metrics")).text()
    assert 'route="/test/echo",status="413"} 1.0' in text


async def test_request_id_is_echoed_or_made(client: Client) -> None:
    response = await client.get("/healthz", headers={"X-Request-Id": "lb-1234.abc"})
    assert response.headers["X-Request-Id"] == "lb-1234.abc"
    response = await client.get("/healthz")
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
    response = await client.get("/healthz", headers={"X-Request-Id": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])
    response = await client.get("/missing", headers={"X-Request-Id": "lb-404"})
    assert (response.status, response.headers["X-Request-Id"]) == (404, "lb-404")


async def test_an_unexpected_error_is_a_500_with_the_id_logged_as_json(client: Client) -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    response = await client.get("/test/fail", headers={"X-Request-Id": "req-500"})
    assert response.status == 500
    assert await response.json() == {"error": "internal", "request_id": "req-500"}
    assert response.headers["X-Request-Id"] == "req-500"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    [error] = [line for line in lines if line["msg"] == "unhandled error"]
    assert error["level"] == "ERROR"
    assert error["request_id"] == "req-500"
    assert (error["method"], error["path"]) == ("GET", "/test/fail")
    assert "RuntimeError: the handler broke" in error["exc"]


async def test_a_client_that_went_away_is_no_server_error(client: Client) -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    # aiohttp raises this in `request.read()` when the sender hangs up mid-body.
    response = await client.get("/test/gone")
    assert response.status == 400
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["level"] for line in lines if line["msg"] == "client went away"] == ["INFO"]
    errors = {"unhandled error", "Error handling request"}
    assert not [line for line in lines if line["msg"] in errors]
