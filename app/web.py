"""The aiohttp application factory: middlewares, routes, and resources in `cleanup_ctx`.

`create_app` only builds; nothing is opened until the app starts (AppRunner.setup or the test
client), and everything opened is closed on cleanup, because aiohttp runs a cleanup context's
second half if and only if its first half succeeded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiohttp import web

from app.config import Settings
from app.health import healthz, livez, readyz
from app.keys import database_key, metrics_key, service_metrics_key, settings_key
from app.metrics import HttpMetrics
from app.metrics_port import metrics_view
from app.middlewares import error_middleware, request_id_middleware
from app.notify import install_notifications, run_notifications_key
from app.service_metrics import ServiceMetrics
from app.slack import install_slack, warm_charts_key
from app.webhooks import install_webhooks
from storage.database import Database, open_database


def create_app(settings: Settings, *, database: Database | None = None) -> web.Application:
    """The barback web app. An injected `database` is used as is and left open for its owner;
    otherwise one is opened from `settings.database_url` at startup and closed at cleanup."""
    metrics = HttpMetrics()
    app = web.Application(
        client_max_size=settings.max_body_bytes,
        middlewares=[request_id_middleware, metrics.middleware(), error_middleware],
    )
    app[settings_key] = settings
    app[metrics_key] = metrics
    app[service_metrics_key] = ServiceMetrics(metrics.registry)
    app.cleanup_ctx.append(database_context(settings, database))
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/livez", livez)
    app.router.add_get("/readyz", readyz)
    if settings.metrics_port is None:  # else on its own port (app/metrics_port.py)
        app.router.add_get("/metrics", metrics_view(lambda: app))
    install_webhooks(app, settings, worker=database is None)
    install_slack(app, settings)
    install_notifications(app, settings)
    # An injected database belongs to its owner (tests), who turns the loops on when wanted.
    app[run_notifications_key] = database is None
    app[warm_charts_key] = database is None
    return app


def database_context(
    settings: Settings, injected: Database | None
) -> Callable[[web.Application], AsyncIterator[None]]:
    async def database_ctx(app: web.Application) -> AsyncIterator[None]:
        if injected is not None:
            app[database_key] = injected
            yield
            return
        database = await open_database(settings.database_url)
        app[database_key] = database
        try:
            yield
        finally:
            await database.close()

    return database_ctx
