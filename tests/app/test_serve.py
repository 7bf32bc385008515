"""`barback serve`: it listens, answers /healthz, finishes what is in flight, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from aiohttp import ClientConnectionError, ClientSession, ClientTimeout, web

from app.config import Settings
from app.serve import run_app
from app.web import create_app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def barback_command() -> list[str]:
    script = Path(sys.executable).parent / "barback"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())"]


def wait_for_health(url: str, process: subprocess.Popen[str], deadline: float) -> int:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"barback serve exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                status: int = response.status
                return status
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer in time")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("words", "booking"),
    [
        (["serve"], "booking webhooks in this process"),
        (["serve", "--no-worker"], "webhooks are stored here; `barback worker` books them"),
    ],
)
def test_serve_answers_and_stops_on_sigterm(
    database_url: str, tmp_path: Path, words: list[str], booking: str
) -> None:
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "SQUARE_", "TOAST_", "CLOVER_", "SHOPIFY_", "BARBACK_"))
    }
    env |= {
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "BARBACK_DATA_DIR": str(tmp_path / "data"),
        "LOG_FORMAT": "text",
        "LOG_LEVEL": "INFO",
    }
    command = barback_command()
    upgrade = subprocess.run(
        [*command, "db", "upgrade"], env=env, cwd=tmp_path, capture_output=True, text=True
    )
    assert upgrade.returncode == 0, upgrade.stderr

    process = subprocess.Popen(
        [*command, *words],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = wait_for_health(f"http://127.0.0.1:{port}/healthz", process, time.monotonic() + 20)
        assert status == 200
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert f"barback listening on http://127.0.0.1:{port}" in output
    assert "Slack is off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to turn it on)" in output
    assert "received SIGTERM, shutting down" in output
    assert booking in output
    key_file = tmp_path / "data" / "secret.key"
    assert key_file.stat().st_mode & 0o777 == 0o600


async def test_shutdown_lets_in_flight_requests_finish(tmp_path: Path) -> None:
    port = free_port()
    settings = Settings.from_env(
        {
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "BARBACK_DATA_DIR": str(tmp_path / "data"),
        }
    )
    app = create_app(settings)
    started, stop = asyncio.Event(), asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        started.set()
        await asyncio.sleep(0.5)
        return web.Response(text="poured")

    app.router.add_get("/test/slow", slow)

    async def stop_requested() -> str:
        await stop.wait()
        return "a test's stop"

    serving = asyncio.create_task(run_app(app, settings, until=stop_requested, tune_gc=False))
    async with ClientSession() as session:
        for _ in range(600):  # up to 30 s: start-up is slow on a busy shared machine
            try:
                async with session.get(f"http://127.0.0.1:{port}/healthz") as response:
                    assert response.status == 200
                    break
            except ClientConnectionError:
                await asyncio.sleep(0.05)
        in_flight = asyncio.create_task(session.get(f"http://127.0.0.1:{port}/test/slow"))
        await started.wait()
        stop.set()
        response = await in_flight
        assert (response.status, await response.text()) == (200, "poured")
        await asyncio.wait_for(serving, timeout=30)
        with pytest.raises(ClientConnectionError):
            await session.get(f"http://127.0.0.1:{port}/healthz", timeout=ClientTimeout(total=2))
