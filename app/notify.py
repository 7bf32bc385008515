"""Alerts and daily summaries at work: the outbox dispatcher and the summary scheduler, in
`barback serve` (`install_notifications`) and in `barback worker` (`run_notifications`).

Both loops share one database safely with any number of processes: the outbox is claimed with
leases (SKIP LOCKED on PostgreSQL) and each summary run is a `job_runs` row (engine/summary.py).
Without Slack settings nothing starts (alerts stay in the outbox until Slack is configured). The
web app can run them or leave them to `barback worker`: `app[run_notifications_key] = False`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore

from app.clock import SystemClock
from app.config import Settings
from app.keys import database_key, service_metrics_key
from app.service_metrics import CountedOutbox, ServiceMetrics
from bot.charts import ChartRenderer
from bot.slack.notify import SlackNotifier, WorkspaceClients
from bot.slack.summary import SummaryScheduler
from engine.ports import Clock
from storage.database import Database
from storage.job_runs import SqlJobRuns
from storage.outbox import SqlOutbox
from storage.slack import SqlSlackDirectory

__all__ = ["install_notifications", "run_notifications", "run_notifications_key"]

logger = logging.getLogger(__name__)

run_notifications_key = web.AppKey("run_notifications", bool)


def workspace_clients(settings: Settings, database: Database) -> WorkspaceClients:
    slack = settings.slack
    if slack.client_id is not None:
        return WorkspaceClients(
            token=None,
            api_url=slack.api_url,
            team_of=SqlSlackDirectory(database.engine).team_of,
            installations=AsyncSQLAlchemyInstallationStore(
                client_id=slack.client_id, engine=database.engine
            ),
        )
    token = None if slack.bot_token is None else slack.bot_token.reveal()
    return WorkspaceClients(token=token, api_url=slack.api_url)


async def run_notifications(
    settings: Settings,
    database: Database,
    stop: asyncio.Event,
    *,
    clock: Clock | None = None,
    poll_seconds: float = 2.0,
    schedule_seconds: float = 30.0,
    metrics: ServiceMetrics | None = None,
) -> None:
    """Dispatch alerts and post scheduled summaries until `stop` is set (`barback worker`);
    `metrics` counts failed deliveries by error."""
    if not settings.slack.enabled:
        logger.info("Slack is not configured: alerts and summaries wait in the database")
        await stop.wait()
        return
    clock = clock or SystemClock()
    clients = workspace_clients(settings, database)
    renderer = ChartRenderer()
    # The database's outage is logged once, by its record; the loops report to it.
    health = database.outage
    outbox = (
        SqlOutbox(database.engine) if metrics is None else CountedOutbox(database.engine, metrics)
    )
    notifier = SlackNotifier(outbox, clients, clock.now, poll_seconds=poll_seconds, health=health)
    scheduler = SummaryScheduler(
        database.unit_of_work,
        SqlJobRuns(database.engine),
        clients,
        clock,
        render=renderer.render,
        poll_seconds=schedule_seconds,
        health=health,
    )
    try:
        await asyncio.gather(notifier.run(stop), scheduler.run(stop))
    finally:
        await clients.close()
        await asyncio.to_thread(renderer.close)


def install_notifications(
    app: web.Application, settings: Settings
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Add (and return) the cleanup context that runs the loops while the app serves; append it
    after the database's. `app[run_notifications_key] = False` leaves them to a worker."""

    async def notifications_ctx(app: web.Application) -> AsyncIterator[None]:
        if not app.get(run_notifications_key, True) or not settings.slack.enabled:
            yield
            return
        stop = asyncio.Event()
        task = asyncio.create_task(
            run_notifications(
                settings, app[database_key], stop, metrics=app.get(service_metrics_key)
            ),
            name="notifications",
        )
        try:
            yield
        finally:
            stop.set()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app.cleanup_ctx.append(notifications_ctx)
    return notifications_ctx
