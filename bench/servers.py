"""The servers under load, as processes: `barback serve`'s command and clean environment, a free
port, waiting until a server answers, stopping it; and the hello-world baseline server and its
measurement.
"""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.wrk import DONE_LUA, SECONDS, SERVER_CORE, WARMUP_SECONDS, WrkResult, pinned, wrk


def barback_command() -> list[str]:
    script = Path(sys.executable).with_name("barback")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from app.cli import main; raise SystemExit(main())"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def server_env(database_url: str, port: int, data_dir: Path) -> dict[str, str]:
    """A clean environment: none of the caller's DATABASE_URL, Slack or POS credentials."""
    kept = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV", "PYTHONPATH")
    env = {k: v for k, v in os.environ.items() if k in kept}
    env.update(
        DATABASE_URL=database_url,
        HOST="127.0.0.1",
        PORT=str(port),
        LOG_LEVEL="WARNING",
        BARBACK_DATA_DIR=str(data_dir),
        BARBACK_SECRET_KEY=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        PYTHONHASHSEED="0",
    )
    return env


def wait_ready(process: subprocess.Popen[bytes], url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- hello world --------------------------------------------------------------------------------


def serve_hello(port: int) -> int:
    """The baseline server (run as `python -m bench.webhooks --hello PORT`): barback's loop."""
    from aiohttp import web

    from app.serve import run

    async def hello(request: web.Request) -> web.Response:
        return web.Response(text="Hello, World!")

    async def main() -> int:
        app = web.Application()
        app.router.add_get("/", hello)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for received in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(received, stopped.set)
        await stopped.wait()
        await runner.cleanup()
        return 0

    return run(main())


def measure_hello(folder: Path) -> WrkResult:
    script = folder / "hello.lua"
    script.write_text(DONE_LUA)
    port = free_port()
    command = [sys.executable, "-m", "bench.webhooks", "--hello", str(port)]
    process = subprocess.Popen(pinned(SERVER_CORE, command), cwd=Path(__file__).parent.parent)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_ready(process, url)
        wrk(url, WARMUP_SECONDS, script)
        return wrk(url, SECONDS, script)
    finally:
        stop(process)
