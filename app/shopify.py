"""Shopify's parts, built when Shopify is configured: the provider, the worker's reader, the token
source, the connections repository, the reconciler and the OAuth routes' dependencies, and the
HTTP session they share (closed by `close`).

Configured means `SHOPIFY_CLIENT_ID` and `SHOPIFY_CLIENT_SECRET` (the secret also signs the
webhooks) and a secret key (tokens are stored encrypted). `SHOPIFY_BASE_URL` only overrides where
shops are reached (`https://{shop}` otherwise): a local fake in tests.
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
from integrations.api_calls import ApiObserver
from integrations.polling import Reconciler
from integrations.shopify.client import ShopifyClient
from integrations.shopify.provider import ShopifyProvider
from integrations.shopify.reader import ShopifyReader
from integrations.shopify.reconcile import ShopifyPoller
from integrations.shopify.refunds import PROVIDER
from integrations.shopify.routes import CALLBACK_PATH, WEBHOOK_PATH, ConnectDoors
from integrations.shopify.shops import DEFAULT_BASE_URL
from integrations.shopify.tokens import ShopifyTokens
from storage.connections import SqlConnections
from storage.database import Database
from storage.job_runs import SqlJobRuns
from storage.oauth_states import SqlOAuthStates

logger = logging.getLogger(__name__)

REQUIRED = ("SHOPIFY_CLIENT_ID", "SHOPIFY_CLIENT_SECRET")


@dataclass(frozen=True, slots=True)
class ShopifyParts:
    settings: PosSettings
    session: aiohttp.ClientSession
    client: ShopifyClient
    connections: SqlConnections
    tokens: ShopifyTokens
    provider: ShopifyProvider
    reader: ShopifyReader

    async def shop_venue(self, shop: str) -> int | None:
        connection = await self.connections.get(PROVIDER, shop)
        return None if connection is None else connection.venue_id

    def reconciler(
        self, database: Database, now: Callable[[], datetime], *, once_per_slot: bool = True
    ) -> Reconciler:
        """Every serve/worker process ticks it; `job_runs` lets one of them run each slot."""
        poller = ShopifyPoller(self.client, self.provider, self.tokens)
        runs = SqlJobRuns(database.engine) if once_per_slot else None
        book = order_booker(database, now)
        return Reconciler(poller, self.connections, book, now, runs=runs)

    def connect_doors(
        self,
        settings: Settings,
        database: Database,
        venue_id: Callable[[str], Awaitable[int | None]],
        now: Callable[[], datetime],
    ) -> ConnectDoors:
        assert self.settings.client_id is not None and self.settings.client_secret is not None
        assert settings.secret_key is not None
        public = settings.public_url.rstrip("/")
        return ConnectDoors(
            client=self.client,
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret.reveal(),
            state_key=settings.secret_key.reveal().encode("ascii"),
            redirect_uri=public + CALLBACK_PATH,
            webhook_address=public + WEBHOOK_PATH,
            venue_id=venue_id,
            states=SqlOAuthStates(database.engine),
            connections=self.connections,
            now=now,
        )

    async def close(self) -> None:
        await self.session.close()


def missing_settings(settings: Settings) -> tuple[str, ...]:
    """The Shopify settings still unset (empty: Shopify is configured)."""
    shopify = settings.pos[PROVIDER]
    values = (shopify.client_id, shopify.client_secret)
    return tuple(name for name, value in zip(REQUIRED, values, strict=True) if value is None)


async def open_shopify(
    settings: Settings,
    database: Database,
    now: Callable[[], datetime],
    observer: ApiObserver | None = None,
) -> ShopifyParts | None:
    """Shopify's parts, or None (said once in the log) when it is not configured."""
    shopify = settings.pos[PROVIDER]
    if missing_settings(settings) or settings.secret_key is None:
        if shopify.configured:
            logger.warning("Shopify is off: it needs a secret key too")
        return None
    assert shopify.client_id is not None and shopify.client_secret is not None
    assert settings.secret_key is not None
    session = aiohttp.ClientSession()
    client = ShopifyClient(session, shopify.base_url or DEFAULT_BASE_URL, observer=observer)
    connections = SqlConnections(database.engine, Fernet(settings.secret_key.reveal()))
    secret = shopify.client_secret.reveal()
    tokens = ShopifyTokens(connections, client, shopify.client_id, secret, now)
    provider = ShopifyProvider(client_secret=secret, client=client, tokens=tokens, now=now)
    reader = ShopifyReader(provider, connections)
    return ShopifyParts(shopify, session, client, connections, tokens, provider, reader)
