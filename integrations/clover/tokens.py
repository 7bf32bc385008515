"""`CloverTokens`: the `TokenSource` for Clover, refreshing an access token before it expires.

Clover's refresh tokens are single use (pos-formats.md §3.6): a refresh spends the one stored and
returns a new pair, which is stored (encrypted) at once. Two refreshes racing with the same refresh
token would leave one of them refused, so:
- within a process, one refresh per merchant at a time (a lock; the second reader finds the new
  token when it gets the lock);
- across processes, a refused refresh reads the connection again: another process that refreshed
  first has stored a new pair, which is used. Otherwise the stored access token is used while it
  lives, and only a token that has expired with nothing to refresh it is `NotConnected` (retried
  by the worker, and shown: run `connect clover` again).
A refresh that fails because Clover is down is not fatal while the stored token still works.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from engine.connections import ConnectionRepository, PosConnection
from integrations.clover.client import CloverClient
from integrations.clover.oauth import needs_refresh
from integrations.errors import NotConnected, UpstreamUnavailable


class CloverTokens:
    def __init__(
        self,
        connections: ConnectionRepository,
        client: CloverClient,
        client_id: str,
        now: Callable[[], datetime],
    ) -> None:
        self._connections = connections
        self._client = client
        self._client_id = client_id
        self._now = now
        self._locks: dict[str, asyncio.Lock] = {}

    async def access_token(self, provider: str, account: str) -> str:
        connection = await self._connection(provider, account)
        if not self._stale(connection):
            return connection.access_token
        lock = self._locks.setdefault(account, asyncio.Lock())
        async with lock:
            connection = await self._connection(provider, account)  # refreshed meanwhile?
            if not self._stale(connection):
                return connection.access_token
            return await self._refresh(connection)

    async def _refresh(self, connection: PosConnection) -> str:
        now = self._now()
        alive = connection.expires_at is not None and connection.expires_at > now
        if connection.refresh_token is None:
            if alive:
                return connection.access_token
            raise self._gone(connection, "its token expired and there is no refresh token")
        try:
            token = await self._client.refresh_token(connection.refresh_token, self._client_id)
        except UpstreamUnavailable:
            if alive:
                return connection.access_token
            raise
        except NotConnected:
            latest = await self._connection(connection.provider, connection.merchant_id)
            if latest.refresh_token != connection.refresh_token:
                return latest.access_token  # another process refreshed first
            if alive:
                return connection.access_token
            raise self._gone(connection, "Clover refused to refresh its token") from None
        await self._connections.set_tokens(
            connection.provider,
            connection.merchant_id,
            token.access_token,
            token.refresh_token,
            token.access_expires_at,
            now,
        )
        return token.access_token

    async def _connection(self, provider: str, account: str) -> PosConnection:
        connection = await self._connections.get(provider, account)
        if connection is None:
            raise NotConnected(f"Clover merchant {account} is not connected (run connect clover)")
        return connection

    def _stale(self, connection: PosConnection) -> bool:
        expires_at = connection.expires_at
        return expires_at is None or needs_refresh(expires_at, self._now())

    @staticmethod
    def _gone(connection: PosConnection, why: str) -> NotConnected:
        return NotConnected(
            f"Clover merchant {connection.merchant_id}: {why}; run connect clover again"
        )
