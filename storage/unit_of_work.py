"""`SqlUnitOfWork`: the engine's `UnitOfWork` port on one connection and one transaction."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.alerts import SqlAlertRepository
from storage.audit import SqlAuditLog
from storage.catalog import SqlCatalogRepository
from storage.connections import SqlVenueConnections
from storage.ledger import SqlLedgerRepository
from storage.pos_things import SqlPosRepository
from storage.queries import SqlQueries
from storage.sales import SqlSalesRepository
from storage.settings import SqlSettingsRepository
from storage.venues import SqlVenueRepository


class SqlUnitOfWork:
    """One transaction, used as `async with db.unit_of_work() as uow: ...; await uow.commit()`.

    Leaving the block without `commit()` rolls back. The repositories exist only inside the block,
    because they share its connection.
    """

    venues: SqlVenueRepository
    audit: SqlAuditLog
    catalog: SqlCatalogRepository
    ledger: SqlLedgerRepository
    sales: SqlSalesRepository
    settings: SqlSettingsRepository
    queries: SqlQueries
    alerts: SqlAlertRepository
    pos: SqlPosRepository
    connections: SqlVenueConnections

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None

    @property
    def connection(self) -> AsyncConnection:
        """The transaction's connection, for repositories added later."""
        if self._connection is None:
            raise RuntimeError("the unit of work is not open: use it in `async with`")
        return self._connection

    async def __aenter__(self) -> Self:
        if self._connection is not None:
            raise RuntimeError("a unit of work is used once")
        connection = await self._engine.connect()
        try:
            await connection.begin()
        except BaseException:
            await connection.close()
            raise
        self._connection = connection
        self.venues = SqlVenueRepository(connection)
        self.audit = SqlAuditLog(connection)
        currencies: dict[int, str] = {}
        self.catalog = SqlCatalogRepository(connection, currencies)
        self.ledger = SqlLedgerRepository(connection)
        self.sales = SqlSalesRepository(connection)
        self.settings = SqlSettingsRepository(connection)
        self.queries = SqlQueries(connection, currencies)
        self.alerts = SqlAlertRepository(connection)
        self.pos = SqlPosRepository(connection)
        self.connections = SqlVenueConnections(connection)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self.connection
        try:
            if connection.in_transaction():
                await connection.rollback()
        finally:
            # Returning the connection to the pool; a unit of work is not reused.
            await connection.close()

    async def commit(self) -> None:
        await self.connection.commit()

    async def rollback(self) -> None:
        await self.connection.rollback()
