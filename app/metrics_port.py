"""`/metrics` (and `/livez`) on a port of their own when `METRICS_PORT` is set.

A scraper inside the network then reads the metrics without `/metrics` being published on the
service's public address; `barback worker`, which serves nothing else, gets a metrics endpoint
the same way. Without `METRICS_PORT`, `barback serve` answers `/metrics` on `PORT` and the
worker exposes none.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from app.health import livez
from app.keys import database_key, service_metrics_key
from app.service_metrics import ServiceMetrics
from storage.database import Database
from storage.outbox import SqlOutbox

logger = logging.getLogger(__name__)


def metrics_view(
    source: Callable[[], web.Application],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """`GET /metrics` for the app `source()` returns: its registry, its outbox backlog fresh."""

    async def view(request: web.Request) -> web.Response:
        app = source()
        return await exposition(app[service_metrics_key], app.get(database_key))

    return view


async def exposition(metrics: ServiceMetrics, database: Database | None) -> web.Response:
    if database is not None:
        try:
            await metrics.refresh(SqlOutbox(database.engine))
        except Exception as error:  # the other metrics are worth serving without the backlog
            logger.warning("metrics: outbox backlog unavailable", extra={"error": repr(error)})
    return registry_response(metrics.registry)


def registry_response(registry: CollectorRegistry) -> web.Response:
    # The 0.0.4 text format is what every Prometheus version scrapes.
    response = web.Response(body=generate_latest(registry))
    response.headers["Content-Type"] = CONTENT_TYPE_PLAIN_0_0_4
    return response


async def open_metrics_port(
    view: Callable[[web.Request], Awaitable[web.Response]], host: str, port: int
) -> web.AppRunner:
    """Serve `view` at `/metrics` and `/livez` on `host:port`; the caller cleans the runner up."""
    app = web.Application()
    app.router.add_get("/metrics", view)
    app.router.add_get("/livez", livez)
    runner = web.AppRunner(app, access_log=None)  # scrapes every few seconds: no access log
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except BaseException:
        await runner.cleanup()
        raise
    logger.info("metrics on http://%s:%d/metrics", host, port)
    return runner


class WorkerMetrics:
    """`barback worker`'s metrics: the service's and the webhook processing's, in one registry,
    served on `METRICS_PORT` once `open` is called."""

    def __init__(self, database: Database) -> None:
        from app.webhook_metrics import WebhookMetrics

        registry = CollectorRegistry()
        self.service = ServiceMetrics(registry)
        self.webhooks = WebhookMetrics(registry)
        self._database = database
        self._runner: web.AppRunner | None = None

    async def open(self, host: str, port: int) -> None:
        async def view(request: web.Request) -> web.Response:
            return await exposition(self.service, self._database)

        self._runner = await open_metrics_port(view, host, port)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
