"""`SqlConnections`: the `pos_connections` table, tokens encrypted with Fernet.

The key is `BARBACK_SECRET_KEY` (passed in as a `Fernet`); a database copied without it holds no
usable token. Each method is its own short transaction on the engine.

`SqlVenueConnections` is the unit of work's side (revocation, in the caller's transaction). A
revoked connection keeps its row (who, when, which locations) but not its tokens: both are
emptied, and read back as empty. A new consent (`save`) brings the connection back.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import Row, Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from engine.connections import PosConnection
from engine.venue import VenueId
from storage.dialects import insert_for
from storage.tables import pos_connections as table
from storage.tables import venues


def _open_venues() -> Select[Any]:
    """Connections of venues not archived: an archived venue's POS is no longer read (its
    webhooks are stored without a venue and skipped; reconciliation passes it by)."""
    return (
        select(table)
        .join(venues, venues.c.id == table.c.venue_id)
        .where(venues.c.archived_at.is_(None))
    )


class SqlConnections:
    def __init__(self, engine: AsyncEngine, fernet: Fernet) -> None:
        self._engine = engine
        self._fernet = fernet

    async def save(self, connection: PosConnection, now: datetime) -> None:
        values = {
            "venue_id": connection.venue_id,
            "location_ids": list(connection.location_ids),
            "access_token": self._seal(connection.access_token),
            "refresh_token": self._seal_optional(connection.refresh_token),
            "expires_at": connection.expires_at,
            "updated_at": now,
            "revoked_at": None,
        }
        async with self._engine.begin() as db:
            statement = (
                insert_for(db, table)
                .values(
                    provider=connection.provider,
                    merchant_id=connection.merchant_id,
                    cursor=connection.cursor,
                    created_at=now,
                    **values,
                )
                .on_conflict_do_update(
                    index_elements=[table.c.provider, table.c.merchant_id], set_=values
                )
            )
            await db.execute(statement)

    async def get(self, provider: str, merchant_id: str) -> PosConnection | None:
        async with self._engine.connect() as db:
            row = (
                await db.execute(
                    _open_venues().where(
                        table.c.provider == provider, table.c.merchant_id == merchant_id
                    )
                )
            ).one_or_none()
        return None if row is None else self._from_row(row)

    async def all(self, provider: str) -> Sequence[PosConnection]:
        """Every connection to `provider`, revoked ones included (`PosConnection.active`)."""
        async with self._engine.connect() as db:
            rows = await db.execute(
                _open_venues().where(table.c.provider == provider).order_by(table.c.id)
            )
            return [self._from_row(row) for row in rows]

    async def set_tokens(
        self,
        provider: str,
        merchant_id: str,
        access_token: str,
        refresh_token: str | None,
        expires_at: datetime | None,
        now: datetime,
    ) -> None:
        await self._update(
            provider,
            merchant_id,
            access_token=self._seal(access_token),
            refresh_token=self._seal_optional(refresh_token),
            expires_at=expires_at,
            updated_at=now,
        )

    async def set_cursor(self, provider: str, merchant_id: str, cursor: str, now: datetime) -> None:
        await self._update(provider, merchant_id, cursor=cursor, updated_at=now)

    async def remove(self, provider: str, merchant_id: str) -> int | None:
        async with self._engine.begin() as db:
            venue_id = await db.scalar(
                delete(table)
                .where(table.c.provider == provider, table.c.merchant_id == merchant_id)
                .returning(table.c.venue_id)
            )
        return None if venue_id is None else int(venue_id)

    async def _update(self, provider: str, merchant_id: str, **values: Any) -> None:
        async with self._engine.begin() as db:
            await db.execute(
                update(table)
                .where(table.c.provider == provider, table.c.merchant_id == merchant_id)
                .values(**values)
            )

    def _seal(self, token: str) -> str:
        return self._fernet.encrypt(token.encode("utf-8")).decode("ascii")

    def _seal_optional(self, token: str | None) -> str | None:
        return None if token is None else self._seal(token)

    def _open(self, sealed: str) -> str:
        if not sealed:  # forgotten when the connection was revoked
            return ""
        return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")

    def _from_row(self, row: Row[Any]) -> PosConnection:
        return PosConnection(
            venue_id=row.venue_id,
            provider=row.provider,
            merchant_id=row.merchant_id,
            location_ids=tuple(row.location_ids),
            access_token=self._open(row.access_token),
            refresh_token=None if row.refresh_token is None else self._open(row.refresh_token),
            expires_at=row.expires_at,
            cursor=row.cursor,
            revoked_at=row.revoked_at,
        )


class SqlVenueConnections:
    """`engine.connections.VenueConnections` on the unit of work's connection."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def venue_of(self, provider: str, merchant_id: str) -> VenueId | None:
        venue_id = await self._connection.scalar(
            select(table.c.venue_id).where(
                table.c.provider == provider, table.c.merchant_id == merchant_id
            )
        )
        return None if venue_id is None else VenueId(venue_id)

    async def revoke(
        self, venue_id: VenueId, provider: str, now: datetime, *, merchant_id: str | None = None
    ) -> Sequence[str]:
        statement = (
            update(table)
            .where(
                table.c.venue_id == venue_id,
                table.c.provider == provider,
                table.c.revoked_at.is_(None),
            )
            .values(revoked_at=now, updated_at=now, access_token="", refresh_token=None)
            .returning(table.c.merchant_id)
        )
        if merchant_id is not None:
            statement = statement.where(table.c.merchant_id == merchant_id)
        return sorted(row.merchant_id for row in await self._connection.execute(statement))
