"""`barback serve`: run the web app until SIGTERM or Ctrl-C, then shut down gracefully.

At start the open-file limit is raised where the OS allows and the connections are capped below
it (app/http_server.py). On a signal: stop accepting connections, let requests in flight finish
for up to 10 s (uploads still arriving then are answered 503: the POS sends them again), run the
cleanup contexts (the queued webhooks are stored, the worker's batch finishes, the database
closes) for up to `CLEANUP_SECONDS` more, and exit 0. Heroku and Kubernetes send SIGKILL 30 s
after SIGTERM; a database that hangs during the shutdown cannot hold the exit past that.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web

from app.command_socket import CommandSocket, open_command_socket
from app.config import Settings
from app.http_server import (
    SHUTDOWN_SECONDS,
    GuardedRunner,
    connection_cap,
    raise_file_limit,
)
from app.metrics_port import metrics_view, open_metrics_port
from app.middlewares import AccessLogger
from app.web import create_app
from app.webhooks import run_worker_key
from engine.errors import EngineError

SHUTDOWN_TIMEOUT_SECONDS = SHUTDOWN_SECONDS
CLEANUP_SECONDS = 10.0


class PortInUse(EngineError):
    """Another program listens on the port: the person running `serve` can act on that."""


logger = logging.getLogger(__name__)


def serve(settings: Settings, *, worker: bool = True) -> int:
    """Run until a signal; the exit status is 0 after a graceful shutdown. `worker=False`: no
    inbox worker in this process (webhooks are stored, `barback worker` books them)."""
    return run(_serve(settings, worker=worker))


def run(main: Coroutine[Any, Any, int]) -> int:
    """Run on uvloop when it is installed (it is on Linux and macOS), else asyncio's loop."""
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None
    try:
        import uvloop
    except ImportError:
        loop_factory = None
    else:
        loop_factory = uvloop.new_event_loop
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(main)


async def _serve(settings: Settings, *, worker: bool) -> int:
    latch = _stop_on_signals()
    app = create_app(settings)
    if not worker:
        app[run_worker_key] = False
    await run_app(app, settings, until=latch.wait_for_signal)
    logger.info("barback stopped")
    return 0


async def run_app(
    app: web.Application,
    settings: Settings,
    *,
    until: Callable[[], Awaitable[object]],
    tune_gc: bool = True,
    command_socket: bool = True,
) -> None:
    """Serve `app` on the configured host and port until `until()` returns, then shut down:
    stop listening, finish in-flight requests, run the cleanup contexts. The terminal's local
    socket (`app.command_socket`) opens beside it unless `command_socket` is False."""
    file_limit = raise_file_limit()
    runner = GuardedRunner(
        app,
        cap=connection_cap(file_limit),
        access_log_class=AccessLogger,
        shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS,
    )
    await runner.setup()
    local: CommandSocket | None = None
    metrics: web.AppRunner | None = None
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        try:
            await site.start()
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise PortInUse(
                    f"port {settings.port} on {settings.host} is in use by another program",
                    hint="stop that program, or set PORT to a free port",
                ) from None
            raise
        logger.info("barback listening on http://%s:%d", settings.host, settings.port)
        logger.info(
            "at most %d connections at once (open-file limit %d)",
            connection_cap(file_limit),
            file_limit,
        )
        if settings.metrics_port is not None:
            view = metrics_view(lambda: app)
            metrics = await open_metrics_port(view, settings.host, settings.metrics_port)
        if command_socket:
            local = await open_command_socket(app, settings)
        if not settings.slack.enabled:
            logger.info("Slack is off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET to turn it on)")
        if tune_gc:
            _tune_gc()
        reason = await until()
        logger.info("received %s, shutting down", reason)
    finally:
        if local is not None:
            await local.close()
        if metrics is not None:
            await metrics.cleanup()
        try:
            await asyncio.wait_for(
                runner.cleanup(), timeout=SHUTDOWN_TIMEOUT_SECONDS + CLEANUP_SECONDS
            )
        except TimeoutError:
            logger.warning("shutdown cut short: the cleanup did not finish in time")


class _SignalLatch:
    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.received = signal.SIGTERM

    def set(self, received: signal.Signals) -> None:
        self.received = received
        self._event.set()

    async def wait_for_signal(self) -> str:
        await self._event.wait()
        return self.received.name


def _stop_on_signals() -> _SignalLatch:
    latch = _SignalLatch()
    loop = asyncio.get_running_loop()
    for received in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(received, latch.set, received)
    return latch


def _tune_gc() -> None:
    # Measured in performance.md §3c: gen-2 collections over SQLAlchemy's large heap are the main
    # source of the ~30 ms p99. Freezing what startup built moves it out of the collector's way,
    # and a higher gen-0 threshold collects less often (p99 32.6 -> 14.1 ms).
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
