"""`SquareTokens`: the `TokenSource` for Square, refreshing a token near its expiry.

Square asks apps to refresh every 7 days or less (`oauth.needs_refresh`). A refresh that fails
because Square is down is not fatal while the stored token still works: it is used, and the next
read tries again. Concurrent refreshes (two workers) are harmless: the code flow's refresh token
stays the same, and each access token is valid.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from engine.connections import ConnectionRepository
from integrations.errors import NotConnected, UpstreamUnavailable
from integrations.square.client import SquareClient
from integrations.square.oauth import needs_refresh


class SquareTokens:
    def __init__(
        self,
        connections: ConnectionRepository,
        client: SquareClient,
        client_id: str | None,
        client_secret: str | None,
        now: Callable[[], datetime],
    ) -> None:
        self._connections = connections
        self._client = client
        self._client_id = client_id
        self._client_secret = client_secret
        self._now = now

    async def access_token(self, provider: str, account: str) -> str:
        connection = await self._connections.get(provider, account)
        if connection is None:
            raise NotConnected(f"Square merchant {account} is not connected (run connect square)")
        if not connection.active:
            raise NotConnected(f"Square merchant {account} was disconnected (run connect square)")
        now = self._now()
        expires_at = connection.expires_at
        if (
            expires_at is None
            or not needs_refresh(expires_at, now)
            or connection.refresh_token is None
            or self._client_id is None
            or self._client_secret is None
        ):
            return connection.access_token
        try:
            token = await self._client.refresh_token(
                connection.refresh_token, self._client_id, self._client_secret
            )
        except UpstreamUnavailable:
            if expires_at > now:
                return connection.access_token
            raise
        await self._connections.set_tokens(
            provider, account, token.access_token, token.refresh_token, token.expires_at, now
        )
        return token.access_token
