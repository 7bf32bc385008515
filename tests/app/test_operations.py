"""Operations: liveness and readiness, the process's metrics, `/metrics` on a port of its own,
and the access log's flat fields in JSON."""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pytest_aiohttp import AiohttpClient

from app.build_info import version
from app.config import Settings
from app.keys import service_metrics_key
from app.logs import configure_logging
from app.serve import run_app
from app.service_metrics import CountedOutbox, ServiceMetrics, outbox_error_label
from app.web import create_app
from engine.alerts import AlertKind
from storage.database import Database, open_database
from storage.migrate import upgrade
from tests.app.test_serve import barback_command, free_port
from tests.app.test_web import closed_port, settings_for
from tests.conftest import DbTarget
from tests.storage.test_outbox import T0, add, venue


async def test_livez_never_asks_the_database(aiohttp_client: AiohttpClient) -> None:
    database = await open_database(f"postgresql+asyncpg://barback@127.0.0.1:{closed_port()}/x")
    try:
        client = await aiohttp_client(create_app(settings_for(), database=database))
        live = await client.get("/livez")
        assert (live.status, await live.json()) == (200, {"status": "ok"})
        ready = await client.get("/readyz")
        assert ready.status == 503
        assert await ready.json() == {"status": "unavailable", "database": "unavailable"}
    finally:
        await database.close()


async def test_ready_on_a_migrated_database(
    aiohttp_client: AiohttpClient, database: Database
) -> None:
    from storage.migrate import head_revision

    client = await aiohttp_client(create_app(settings_for(), database=database))
    ready = await client.get("/readyz")
    assert ready.status == 200
    assert await ready.json() == {"status": "ok", "database": "ok", "schema": head_revision()}


@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
async def test_not_ready_before_the_schema_is_upgraded(
    aiohttp_client: AiohttpClient, db_target: DbTarget
) -> None:
    from storage.migrate import head_revision

    await upgrade(db_target.url, revision="0001")
    database = await open_database(db_target.url)
    try:
        client = await aiohttp_client(create_app(settings_for(), database=database))
        ready = await client.get("/readyz")
        assert ready.status == 503
        assert (await ready.json())["schema"] == (
            f"at 0001, expected {head_revision()}: run `barback db upgrade`"
        )
    finally:
        await database.close()


async def test_metrics_name_the_build_the_process_and_the_outbox(
    aiohttp_client: AiohttpClient, database: Database
) -> None:
    v = await venue(database)
    for key in ("k1", "k2", "k3"):
        await add(database, v, key, AlertKind.VARIANCE)
    app = create_app(settings_for(), database=database)
    metrics = app[service_metrics_key]
    outbox = CountedOutbox(database.engine, metrics)
    claimed = await outbox.claim(3, "test", 60, T0)
    await outbox.mark_failed(claimed[0].id, "test", "Slack answered 400: invalid_blocks", T0)
    await outbox.mark_failed(claimed[1].id, "test", "Slack unreachable: ClientOSError", T0)
    await outbox.mark_sent(claimed[2].id, "test", "1700000000.000100", T0)

    client = await aiohttp_client(app)
    text = await (await client.get("/metrics")).text()
    assert 'barback_build_info{python_implementation="CPython",python_version="' in text
    assert f'version="{version()}"}} 1.0' in text
    assert "process_resident_memory_bytes" in text and "python_gc_objects_collected_total" in text
    assert "barback_outbox_backlog 2.0" in text  # two failed once, pending again
    assert 'barback_outbox_failures_total{error="invalid_blocks"} 1.0' in text
    assert 'barback_outbox_failures_total{error="unreachable"} 1.0' in text


@pytest.mark.parametrize(
    ("error", "label"),
    [
        ("Slack answered 429: ratelimited", "ratelimited"),
        ("Slack answered 200: not_in_channel", "not_in_channel"),
        ("Slack is not installed for this venue", "not_installed"),
        ("Slack answered 500: <html>" + "x" * 300, "other"),
        ("something else", "other"),
    ],
)
def test_outbox_error_labels_are_bounded(error: str, label: str) -> None:
    assert outbox_error_label(error) == label


async def test_pos_api_calls_and_429s_are_counted_per_provider() -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    async def orders(request: web.Request) -> web.Response:
        if request.query.get("busy"):
            return web.json_response({"errors": []}, status=429, headers={"Retry-After": "1"})
        return web.json_response({"orders": []})

    fake = web.Application()
    fake.router.add_get("/v2/orders", orders)
    server = TestServer(fake)
    await server.start_server()
    metrics = ServiceMetrics(CollectorRegistry())
    try:
        async with aiohttp.ClientSession(trace_configs=[metrics.pos_trace("square")]) as session:
            for busy in ("", "", "1"):
                async with session.get(server.make_url(f"/v2/orders?busy={busy}")) as answer:
                    await answer.read()
            with pytest.raises(aiohttp.ClientConnectionError):
                await session.get(f"http://127.0.0.1:{closed_port()}/v2/orders")
    finally:
        await server.close()
    text = generate_latest(metrics.registry).decode()
    assert 'barback_pos_api_requests_total{provider="square",status="200"} 2.0' in text
    assert 'barback_pos_api_requests_total{provider="square",status="429"} 1.0' in text
    assert 'barback_pos_api_requests_total{provider="square",status="error"} 1.0' in text
    assert 'barback_pos_api_throttled_total{provider="square"} 1.0' in text


async def test_metrics_on_their_own_port(tmp_path: Path) -> None:
    port, metrics_port = free_port(), free_port()
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'm.db'}",
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "METRICS_PORT": str(metrics_port),
        "BARBACK_DATA_DIR": str(tmp_path / "data"),
    }
    await upgrade(env["DATABASE_URL"])
    settings = Settings.from_env(env)
    stop = asyncio.Event()
    serving = asyncio.create_task(
        run_app(create_app(settings), settings, until=stop.wait, tune_gc=False)
    )
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(f"http://127.0.0.1:{metrics_port}/metrics") as r:
                        assert r.status == 200
                        assert "barback_build_info" in await r.text()
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            else:
                pytest.fail("nothing answered on the metrics port")
            await session.get(f"http://127.0.0.1:{port}/healthz")
            async with session.get(f"http://127.0.0.1:{metrics_port}/metrics") as r:
                assert 'route="/healthz",status="200"} 1.0' in await r.text()
            async with session.get(f"http://127.0.0.1:{port}/metrics") as r:
                assert r.status == 404
            async with session.get(f"http://127.0.0.1:{metrics_port}/livez") as r:
                assert r.status == 200
    finally:
        stop.set()
        await asyncio.wait_for(serving, timeout=30)


def test_metrics_port_must_differ_from_port() -> None:
    from app.config import ConfigError

    with pytest.raises(ConfigError, match="METRICS_PORT: a port other than PORT's"):
        Settings.from_env({"PORT": "8080", "METRICS_PORT": "8080"})


async def test_the_access_log_has_flat_fields_in_json(tmp_path: Path) -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    port = free_port()
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", "HOST": "127.0.0.1"}
    env |= {"PORT": str(port), "BARBACK_DATA_DIR": str(tmp_path / "data")}
    await upgrade(env["DATABASE_URL"])
    settings = Settings.from_env(env)
    stop = asyncio.Event()
    serving = asyncio.create_task(
        run_app(create_app(settings), settings, until=stop.wait, tune_gc=False)
    )
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    headers = {"X-Request-Id": "lb-7"}
                    async with session.get(f"http://127.0.0.1:{port}/healthz", headers=headers):
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            async with session.get(f"http://127.0.0.1:{port}/no/such/page") as missing:
                assert missing.status == 404
    finally:
        stop.set()
        await asyncio.wait_for(serving, timeout=30)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "aiohttp.access"]
    assert [(a["method"], a["route"], a["status"]) for a in access] == [
        ("GET", "/healthz", 200),
        ("GET", "unmatched", 404),
    ]
    first = access[0]
    assert (first["request_id"], first["path"]) == ("lb-7", "/healthz")
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert first["msg"].startswith("GET /healthz 200 ")
    assert "extra" not in first and "text_hidden" not in first


def test_the_access_log_in_text_says_each_field_once() -> None:
    import logging

    stream = io.StringIO()
    configure_logging("INFO", "text", stream=stream)
    logging.getLogger("aiohttp.access").info(
        "GET /healthz 200 0.001s",
        extra={"method": "GET", "route": "/healthz", "status": 200, "text_hidden": ("method",
               "status")},
    )  # fmt: skip
    assert stream.getvalue().rstrip().endswith("GET /healthz 200 0.001s route=/healthz")


@pytest.mark.slow
@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
def test_the_worker_serves_metrics_when_told(database_url: str, tmp_path: Path) -> None:
    metrics_port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SQUARE_"))}
    env |= {
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "METRICS_PORT": str(metrics_port),
        "BARBACK_DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "WARNING",
    }
    command = barback_command()
    subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True)
    worker = subprocess.Popen([*command, "worker"], env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                url = f"http://127.0.0.1:{metrics_port}/metrics"
                with urllib.request.urlopen(url, timeout=1) as answer:
                    text = answer.read().decode()
                break
            except OSError:
                assert worker.poll() is None, worker.communicate()[1]
                assert time.monotonic() < deadline, "the worker's metrics never answered"
                time.sleep(0.1)
        assert "barback_build_info" in text and "barback_outbox_backlog 0.0" in text
        assert "barback_webhook_events_processed_total" in text or "barback_inbox_lag" in text
    finally:
        worker.send_signal(signal.SIGTERM)
        _, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
