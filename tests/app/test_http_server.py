"""The HTTP server's defences, in process: deadlines for connections that ask nothing, for slow
bodies and for idle keep-alives; a quiet 4xx for headers over 8 KB; the connection cap."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web

import app.http_server
from app.config import Settings
from app.http_server import connection_cap
from app.serve import run_app
from app.web import create_app
from storage.migrate import upgrade
from tests.app.test_serve import free_port

Connect = Callable[[int], Awaitable[tuple[asyncio.StreamReader, asyncio.StreamWriter]]]


@dataclass
class Running:
    port: int
    stop: asyncio.Event


@asynccontextmanager
async def serving(tmp_path: Path) -> AsyncIterator[Running]:
    """`barback serve`'s server (run_app) on a free port, with a /test/echo route that reads its
    body; stopped at the end."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    await upgrade(url)
    port = free_port()
    settings = Settings.from_env({"DATABASE_URL": url, "HOST": "127.0.0.1", "PORT": str(port)})
    application = create_app(settings)

    async def echo(request: web.Request) -> web.Response:
        return web.Response(text=f"read {len(await request.read())} bytes")

    application.router.add_post("/test/echo", echo)
    stop = asyncio.Event()

    async def stop_requested() -> str:
        await stop.wait()
        return "the test's end"

    task = asyncio.create_task(run_app(application, settings, until=stop_requested, tune_gc=False))
    for _ in range(300):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        break
    try:
        yield Running(port, stop)
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=30)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Running]:
    async with serving(tmp_path) as running:
        yield running


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """Opens client connections, closed after the test."""
    writers: list[asyncio.StreamWriter] = []

    async def open_one(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writers.append(writer)
        return reader, writer

    yield open_one
    for writer in writers:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def closed_by_server(reader: asyncio.StreamReader, *, within: float = 30) -> bytes:
    """Everything the server sends until it closes the connection."""
    async with asyncio.timeout(within):
        return await reader.read()


def request_head(path: str, *extra: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", *extra, "", ""]
    return "\r\n".join(lines).encode()


async def test_a_connection_that_asks_nothing_is_closed(
    served: Running, monkeypatch: pytest.MonkeyPatch, connect: Connect
) -> None:
    monkeypatch.setattr(app.http_server, "FIRST_REQUEST_SECONDS", 0.5)
    silent, _ = await connect(served.port)
    half, writer = await connect(served.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0")  # headers that never end

    assert await closed_by_server(silent) == b""
    assert await closed_by_server(half) == b""


async def test_a_body_that_does_not_arrive_in_time_is_a_408(
    served: Running, monkeypatch: pytest.MonkeyPatch, connect: Connect
) -> None:
    monkeypatch.setattr(app.http_server, "BODY_SECONDS", 0.5)
    reader, writer = await connect(served.port)
    writer.write(request_head("/test/echo", "Content-Length: 100") + b"x" * 10)

    answer = await closed_by_server(reader)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b'"error": "timeout"' in answer


async def test_a_body_that_arrives_in_time_is_read(
    served: Running, monkeypatch: pytest.MonkeyPatch, connect: Connect
) -> None:
    monkeypatch.setattr(app.http_server, "BODY_SECONDS", 30)
    reader, writer = await connect(served.port)
    writer.write(request_head("/test/echo", "Content-Length: 20", "Connection: close") + b"x" * 10)
    await asyncio.sleep(0.3)
    writer.write(b"y" * 10)

    answer = await closed_by_server(reader)
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert answer.endswith(b"read 20 bytes")


async def test_an_idle_keep_alive_connection_is_closed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, connect: Connect
) -> None:
    monkeypatch.setattr(app.http_server, "KEEPALIVE_SECONDS", 0.5)
    async with serving(tmp_path) as running:
        reader, writer = await connect(running.port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=30)
        assert head.startswith(b"HTTP/1.1 200 ")
        assert b"Connection: close" not in head  # kept alive...
        await closed_by_server(reader)  # ...until idle too long


async def test_headers_over_8_kb_get_a_quiet_4xx(
    served: Running, caplog: pytest.LogCaptureFixture, connect: Connect
) -> None:
    caplog.set_level(logging.INFO)
    reader, writer = await connect(served.port)
    writer.write(f"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: {'a' * 9000}\r\n\r\n".encode())

    answer = await closed_by_server(reader)
    assert answer.startswith((b"HTTP/1.0 431 ", b"HTTP/1.1 431 "))
    assert b"aaaa" not in answer
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert any("could not read" in r.getMessage() for r in caplog.records)


def test_the_cap_stays_below_the_file_limit() -> None:
    assert connection_cap(1024) == 576
    assert connection_cap(300) == 44
    assert connection_cap(65536) == 4096
    for limit in (64, 256, 300, 1024, 4096, 65536):
        assert connection_cap(limit) < limit
