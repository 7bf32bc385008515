"""`barback serve`: run the web app until SIGTERM or Ctrl-C, then shut down gracefully.

On a signal: stop accepting connections, let in-flight requests finish (up to 30 s: Heroku and
Kubernetes both send SIGKILL 30 s after SIGTERM by default), run the cleanup contexts (the
database closes), and exit 0.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from aiohttp import web

from app.command_socket import CommandSocket, open_command_socket
from app.config import Settings
from app.metrics_port import metrics_view, open_metrics_port
from app.middlewares import AccessLogger
from app.web import create_app
from app.webhooks import run_worker_key

SHUTDOWN_TIMEOUT_SECONDS = 30.0

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
    runner = web.AppRunner(
        app, access_log_class=AccessLogger, shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS
    )
    await runner.setup()
    local: CommandSocket | None = None
    metrics: web.AppRunner | None = None
    try:
        site = web.TCPSite(runner, settings.host, settings.port)
        await site.start()
        logger.info("barback listening on http://%s:%d", settings.host, settings.port)
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
        await runner.cleanup()


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
