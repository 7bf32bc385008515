"""Clover's parts, built when Clover is configured: the provider, the worker's reader, the token
source, the connections repository, the reconciler, the routes' doors, and the HTTP session they
share (closed by `close`).

Configured means `CLOVER_APP_ID` and `CLOVER_APP_SECRET` (OAuth: without a merchant's token no
order can be read) and a secret key (tokens are stored encrypted). `CLOVER_WEBHOOK_AUTH_CODE` comes
later: Clover shows it only once the webhook URL has passed its verification handshake, which
this route answers meanwhile; until it is set every other delivery is refused (401).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from cryptography.fernet import Fernet

from app.config import PosSettings, Settings
from app.processing import order_booker
from integrations.api_calls import ApiObserver, PosApi
from integrations.clover.client import PRODUCTION_URL, CloverClient
from integrations.clover.connect import CALLBACK_PATH, CloverConnectDoors
from integrations.clover.normalize import PROVIDER
from integrations.clover.provider import CloverProvider
from integrations.clover.reader import CloverReader
from integrations.clover.reconcile import CloverPoller
from integrations.clover.tokens import CloverTokens
from integrations.clover.webhook import CloverDoor
from integrations.polling import Reconciler
from storage.connections import SqlConnections
from storage.database import Database
from storage.job_runs import SqlJobRuns
from storage.oauth_states import SqlOAuthStates

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CloverParts:
    settings: PosSettings
    session: aiohttp.ClientSession
    client: CloverClient
    connections: SqlConnections
    tokens: CloverTokens
    provider: CloverProvider
    reader: CloverReader

    async def merchant_venue(self, merchant_id: str) -> int | None:
        connection = await self.connections.get(PROVIDER, merchant_id)
        return None if connection is None else connection.venue_id

    def door(self) -> CloverDoor:
        return CloverDoor(self.provider, self.merchant_venue)

    def reconciler(
        self, database: Database, now: Callable[[], datetime], *, once_per_slot: bool = True
    ) -> Reconciler:
        """Every serve/worker process ticks it; `job_runs` lets one of them run each slot."""
        poller = CloverPoller(self.client, self.tokens)
        runs = SqlJobRuns(database.engine) if once_per_slot else None
        return Reconciler(poller, self.connections, order_booker(database, now), now, runs=runs)

    def connect_doors(
        self,
        settings: Settings,
        database: Database,
        venue_id: Callable[[str], Awaitable[int | None]],
        now: Callable[[], datetime],
    ) -> CloverConnectDoors:
        assert self.settings.client_id is not None and self.settings.client_secret is not None
        assert settings.secret_key is not None
        return CloverConnectDoors(
            client=self.client,
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret.reveal(),
            state_key=settings.secret_key.reveal().encode("ascii"),
            redirect_uri=settings.public_url.rstrip("/") + CALLBACK_PATH,
            venue_id=venue_id,
            states=SqlOAuthStates(database.engine),
            connections=self.connections,
            now=now,
        )

    async def close(self) -> None:
        await self.session.close()


def clover_configured(settings: Settings) -> bool:
    clover = settings.pos.get(PROVIDER)
    return bool(
        clover is not None
        and clover.client_id is not None
        and clover.client_secret is not None
        and settings.secret_key is not None
    )


async def open_clover(
    settings: Settings,
    database: Database,
    now: Callable[[], datetime],
    observer: ApiObserver | None = None,
) -> CloverParts | None:
    """Clover's parts, or None (said once in the log when half configured). `observer` counts
    the calls to Clover's API (`/metrics`)."""
    clover = settings.pos.get(PROVIDER)
    if clover is None or not clover_configured(settings):
        if clover is not None and clover.configured:
            logger.warning("Clover is off: it needs CLOVER_APP_ID, CLOVER_APP_SECRET and a key")
        return None
    assert clover.client_id is not None and settings.secret_key is not None
    if clover.webhook_secret is None:
        logger.warning(
            "Clover webhooks are refused until CLOVER_WEBHOOK_AUTH_CODE is set (the verification "
            "handshake is answered meanwhile)"
        )
    session = aiohttp.ClientSession()
    base_url = clover.base_url or PRODUCTION_URL
    client = CloverClient(PosApi(session, base_url, PROVIDER, observer=observer), base_url)
    connections = SqlConnections(database.engine, Fernet(settings.secret_key.reveal()))
    tokens = CloverTokens(connections, client, clover.client_id, now)
    auth_code = None if clover.webhook_secret is None else clover.webhook_secret.reveal()
    provider = CloverProvider(
        app_id=clover.client_id, auth_code=auth_code, client=client, tokens=tokens
    )
    reader = CloverReader(provider, connections)
    return CloverParts(clover, session, client, connections, tokens, provider, reader)
