"""Multi-workspace install (OAuth v2): slack_sdk's SQLAlchemy stores on our database.

slack_sdk's `AsyncSQLAlchemyInstallationStore` and `AsyncSQLAlchemyOAuthStateStore` (since
slack_sdk 3.35, slack-platform.md §5) read and write `slack_installations`, `slack_bots` and
`slack_oauth_states` through their own `Table` objects; our migrations create those tables with
the same columns (`storage.tables`), so nothing here creates tables at runtime. They take the
process's `AsyncEngine`, SQLite or PostgreSQL.

Routes (the `AsyncOAuthSettings` defaults): `GET /slack/install` answers the "Add to Slack" page
and sets the state cookie; `GET /slack/oauth_redirect` checks the state, calls `oauth.v2.access`
(through the app's client, so SLACK_API_URL applies) and saves the installation.

Authorizing a request (`authorize`): barback asks for bot scopes only, so it looks up the
workspace's bot (`slack_bots`), never an installer's user token; and it keeps Bolt's cache of
`auth.test` answers on, keyed by the token, so a workspace's requests do not each cost an
`auth.test` call. A revoked or uninstalled bot is deleted from the store (`bot.slack.uninstall`),
so a dead token is never found, cached or not; a reinstall brings a new token, a new cache entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.slack.bolt_request import to_aiohttp_response, to_bolt_request

__all__ = [
    "INSTALL_PATH",
    "REDIRECT_PATH",
    "SCOPES",
    "STATE_SECONDS",
    "authorize",
    "mount_oauth",
    "oauth_settings",
]

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600  # an install started and not finished within 10 minutes starts again
# The bot scopes of bot/slack/manifest.yml (tests/bot/slack/test_manifest.py keeps them the same,
# and each one needed by a Web API method the code calls).
SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "files:write",
    "files:read",  # `... import <file>` reads a CSV shared in the channel
    "channels:read",
    "groups:read",
    "channels:history",
    "groups:history",
    "users:read",
)


def oauth_settings(
    *, client_id: str, client_secret: str, engine: AsyncEngine, public_url: str
) -> AsyncOAuthSettings:
    """For `AsyncApp(oauth_settings=s, installation_store=s.installation_store)`."""
    return AsyncOAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(SCOPES),
        installation_store=AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=engine),
        state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=STATE_SECONDS, engine=engine),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        redirect_uri=public_url.rstrip("/") + REDIRECT_PATH,
        installation_store_bot_only=True,
    )


def authorize(
    settings: AsyncOAuthSettings, logger: logging.Logger
) -> AsyncInstallationStoreAuthorize:
    """For `AsyncApp(authorize=...)`: the workspace's bot token, `auth.test` answers cached."""
    return AsyncInstallationStoreAuthorize(
        logger=logger,
        installation_store=settings.installation_store,
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        bot_only=True,
        cache_enabled=True,
    )


def mount_oauth(app: web.Application, bolt_app: Callable[[], AsyncApp]) -> None:
    """`GET /slack/install` and `GET /slack/oauth_redirect`, served by the Bolt app's flow."""

    async def install(request: web.Request) -> web.Response:
        flow = bolt_app().oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def redirect(request: web.Request) -> web.Response:
        flow = bolt_app().oauth_flow
        if flow is None:
            raise web.HTTPNotFound()
        response = await flow.handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    app.router.add_get(INSTALL_PATH, install)
    app.router.add_get(REDIRECT_PATH, redirect)
