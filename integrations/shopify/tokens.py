"""`ShopifyTokens`: the `TokenSource` for Shopify, refreshing an expiring token near its expiry.

Non-expiring offline tokens (`expires_at` None) are used as stored. Expiring ones (an hour) are
refreshed once fewer than five minutes remain (`oauth.needs_refresh`), and the new access *and*
refresh tokens are stored at once: Shopify replaces the refresh token on every refresh.

- One refresh at a time per shop in this process (a batch reads up to 8 events at once, and
  eight refreshes would race to replace one refresh token).
- Shopify down during a refresh: the stored token is used while it still works.
- A refresh refused: another process may have refreshed first (its new refresh token replaced
  ours), so the stored connection is read again and its token used if it is newer and live;
  otherwise the shop must be connected again (`NotConnected`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from engine.connections import ConnectionRepository, PosConnection
from integrations.errors import NotConnected, UpstreamUnavailable
from integrations.shopify.client import ShopifyClient
from integrations.shopify.oauth import needs_refresh


class ShopifyTokens:
    def __init__(
        self,
        connections: ConnectionRepository,
        client: ShopifyClient,
        client_id: str,
        client_secret: str,
        now: Callable[[], datetime],
    ) -> None:
        self._connections = connections
        self._client = client
        self._client_id = client_id
        self._client_secret = client_secret
        self._now = now
        self._locks: dict[str, asyncio.Lock] = {}

    async def access_token(self, provider: str, account: str) -> str:
        connection = await self._connection(provider, account)
        if not self._due(connection):
            return connection.access_token
        async with self._locks.setdefault(account, asyncio.Lock()):
            # Another task may have refreshed while this one waited for the lock.
            connection = await self._connection(provider, account)
            if not self._due(connection):
                return connection.access_token
            return await self._refresh(provider, connection)

    async def _refresh(self, provider: str, connection: PosConnection) -> str:
        assert connection.refresh_token is not None and connection.expires_at is not None
        now = self._now()
        shop = connection.merchant_id
        try:
            token = await self._client.refresh_token(
                shop, self._client_id, self._client_secret, connection.refresh_token, now
            )
        except UpstreamUnavailable:
            if connection.expires_at > now:
                return connection.access_token
            raise
        except NotConnected:
            again = await self._connection(provider, shop)
            if (
                again.refresh_token != connection.refresh_token
                and again.expires_at is not None
                and again.expires_at > now
            ):
                return again.access_token
            raise
        await self._connections.set_tokens(
            provider,
            shop,
            token.access_token,
            token.refresh_token or connection.refresh_token,
            token.expires_at,
            now,
        )
        return token.access_token

    async def _connection(self, provider: str, account: str) -> PosConnection:
        connection = await self._connections.get(provider, account)
        if connection is None:
            raise NotConnected(f"Shopify shop {account} is not connected (run connect shopify)")
        return connection

    def _due(self, connection: PosConnection) -> bool:
        return (
            connection.expires_at is not None
            and connection.refresh_token is not None
            and needs_refresh(connection.expires_at, self._now())
        )
