"""POS connections: a venue's OAuth grant on a POS account, and where its poller left off.

A connection binds one POS account (`merchant_id`, with its `location_ids`) to one venue; webhooks
and polled orders of that account book into that venue. Tokens never show in a `repr`; storage
keeps them encrypted. Pure: the value and the repository port.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PosConnection:
    venue_id: int
    provider: str
    merchant_id: str
    location_ids: tuple[str, ...]
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime | None
    cursor: str | None = None
    """The reconciliation poller's position (an ISO 8601 instant for Square); None: never ran."""


class ConnectionRepository(Protocol):
    """Each method is its own short transaction."""

    async def save(self, connection: PosConnection, now: datetime) -> None:
        """Insert, or replace the tokens, venue and locations of (provider, merchant)."""
        ...

    async def get(self, provider: str, merchant_id: str) -> PosConnection | None: ...

    async def all(self, provider: str) -> Sequence[PosConnection]: ...

    async def set_tokens(
        self,
        provider: str,
        merchant_id: str,
        access_token: str,
        refresh_token: str | None,
        expires_at: datetime | None,
        now: datetime,
    ) -> None: ...

    async def set_cursor(
        self, provider: str, merchant_id: str, cursor: str, now: datetime
    ) -> None: ...


class OAuthStateRepository(Protocol):
    async def add(self, nonce: str, provider: str, venue_id: int, now: datetime) -> None: ...

    async def use(self, nonce: str, provider: str, now: datetime) -> int | None:
        """Mark the state used and return its venue id; None when unknown or already used."""
        ...
