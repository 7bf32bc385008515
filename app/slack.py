"""Slack in the web app: the Bolt app built from `Settings` and the database, mounted on our routes.

`install_slack(app, settings)` does nothing without Slack settings (`barback serve` says once that
Slack is off). Otherwise it adds `POST /slack/events` (slash commands, interactivity, options and
events: one Request URL) and, with a client id, `GET /slack/install` and `/slack/oauth_redirect`;
the Bolt app itself is built at startup, in a cleanup context after the database's, because its
stores need the open database, and the chart renderer's worker is stopped at cleanup.

Modes (slack-platform.md §5): SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET is one workspace, which owns
every venue; SLACK_CLIENT_ID + SLACK_CLIENT_SECRET (+ the signing secret) installs into many by
OAuth, installations kept in our database. SLACK_API_URL points the Web API client elsewhere (a
fake Slack in tests).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from app.clock import SystemClock
from app.config import Settings
from app.keys import database_key
from app.logs import request_id_var
from app.middlewares import new_request_id
from app.pos_offers import pos_offers
from bot.charts import ChartRenderer
from bot.slack.bolt_request import mount
from bot.slack.client import build_web_client
from bot.slack.context import SlackFrontEnd
from bot.slack.installations import mount_oauth, oauth_settings
from bot.slack.listeners import Charts, register
from engine.ports import Clock
from storage.database import Database
from storage.slack import SqlSlackDirectory

__all__ = ["bolt_key", "build_bolt_app", "install_slack"]

logger = logging.getLogger(__name__)

bolt_key = web.AppKey("slack_bolt", AsyncApp)


def install_slack(app: web.Application, settings: Settings) -> None:
    """Slack's routes and, at startup, its Bolt app; nothing without Slack settings."""
    if not settings.slack.enabled:
        return

    def bolt() -> AsyncApp:
        return app[bolt_key]

    mount(app, bolt)
    if settings.slack.client_id is not None:
        mount_oauth(app, bolt)
    app.cleanup_ctx.append(_slack_context(settings))


def _slack_context(settings: Settings) -> Callable[[web.Application], AsyncIterator[None]]:
    async def slack_ctx(app: web.Application) -> AsyncIterator[None]:
        renderer = ChartRenderer()
        app[bolt_key] = build_bolt_app(settings, app[database_key], renderer)
        try:
            yield
        finally:
            await asyncio.to_thread(renderer.close)

    return slack_ctx


def build_bolt_app(
    settings: Settings, database: Database, charts: Charts, *, clock: Clock | None = None
) -> AsyncApp:
    """The Bolt app with barback's listeners, for the mode the settings describe."""
    slack = settings.slack
    if slack.signing_secret is None:
        raise ValueError("SLACK_SIGNING_SECRET is needed with Slack")  # Settings checks it first
    signing_secret = slack.signing_secret.reveal()
    multi = slack.client_id is not None and slack.client_secret is not None
    # Without a base logger Bolt freezes each of its loggers (one is named after the app) at the
    # root level of the moment; with one left at NOTSET they follow LOG_LEVEL like ours.
    bolt_logger = logging.getLogger("bot.slack.bolt")
    if multi and slack.bot_token is not None:
        logger.warning("SLACK_CLIENT_ID is set: installing by OAuth, SLACK_BOT_TOKEN is not used")
    if multi:
        assert slack.client_id is not None and slack.client_secret is not None
        oauth = oauth_settings(
            client_id=slack.client_id,
            client_secret=slack.client_secret.reveal(),
            engine=database.engine,
            public_url=settings.public_url,
        )
        bolt = AsyncApp(
            name="barback",
            logger=bolt_logger,
            client=build_web_client(None, api_url=slack.api_url),
            signing_secret=signing_secret,
            installation_store=oauth.installation_store,
            oauth_settings=oauth,
        )
        bolt.enable_token_revocation_listeners()
    else:
        assert slack.bot_token is not None
        bolt = AsyncApp(
            name="barback",
            logger=bolt_logger,
            client=build_web_client(slack.bot_token.reveal(), api_url=slack.api_url),
            signing_secret=signing_secret,
        )
    front_end = SlackFrontEnd(
        directory=SqlSlackDirectory(database.engine),
        uow=database.unit_of_work,
        clock=clock or SystemClock(),
        single_workspace=not multi,
        public_url=settings.public_url,
        connect_key=None if settings.secret_key is None else settings.secret_key.reveal(),
        pos_offers=pos_offers(settings, database, settings.secret_key),
        render_chart=charts.render,
    )
    register(bolt, front_end, charts, request_id=_request_id)
    return bolt


def _request_id() -> str:
    """The HTTP request's id (the listener runs in a task copied from its context), else new."""
    return request_id_var.get() or new_request_id()
