"""`SqlQueries`: the engine's read-side port. Each report is summed by the database (SUM, GROUP
BY, correlated sums over indexes); nothing loads rows to add them up in Python."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from engine.catalog import ProductId
from engine.inventory import Variance
from engine.quantity import Quantity
from engine.records import AuditEntry, Sighting
from engine.reports import (
    ItemMapping,
    LedgerFigures,
    OnHandFigure,
    RuleMapping,
    SalesFigures,
    SalesSlot,
)
from engine.venue import VenueId
from storage.catalog_reads import CatalogReads
from storage.queries import catalog, ledger, sales, stock, variance


class SqlQueries:
    def __init__(self, connection: AsyncConnection, currency: dict[int, str]) -> None:
        self._connection = connection
        self._catalog = CatalogReads(connection, currency)

    async def on_hand(
        self, venue_id: VenueId, product_id: ProductId | None = None
    ) -> Sequence[OnHandFigure]:
        currency = await self._catalog._currency(venue_id)
        return await stock.on_hand(self._connection, venue_id, currency, product_id)

    async def daily_usage(
        self, venue_id: VenueId, first: date, last: date
    ) -> Mapping[ProductId, Mapping[date, Quantity]]:
        return await stock.daily_usage(self._connection, venue_id, first, last)

    async def sales(
        self, venue_id: VenueId, currency: str, first: date, last: date, *, top: int
    ) -> SalesFigures:
        return await sales.sales(self._connection, venue_id, currency, first, last, top)

    async def sales_by_day(
        self, venue_id: VenueId, currency: str, first: date, last: date
    ) -> Sequence[SalesSlot]:
        return await sales.sales_by_day(self._connection, venue_id, currency, first, last)

    async def sales_by_quarter_hour(
        self, venue_id: VenueId, currency: str, day: date
    ) -> Sequence[SalesSlot]:
        return await sales.sales_by_quarter_hour(self._connection, venue_id, currency, day)

    async def variances(
        self,
        venue_id: VenueId,
        product_id: ProductId | None = None,
        window: tuple[datetime, datetime] | None = None,
    ) -> Sequence[Variance]:
        currency = await self._catalog._currency(venue_id)
        return await variance.variances(self._connection, venue_id, currency, product_id, window)

    async def unmapped(self, venue_id: VenueId) -> Sequence[Sighting]:
        return await catalog.unmapped(self._connection, venue_id)

    async def never_sold(self, venue_id: VenueId) -> Sequence[Sighting]:
        return await catalog.never_sold(self._connection, venue_id)

    async def mappings(
        self, venue_id: VenueId, at: datetime, pos_item_id: int | None = None
    ) -> tuple[Sequence[ItemMapping], Sequence[RuleMapping]]:
        recipes = await self._catalog._recipes(venue_id, at, row_id=pos_item_id)
        items = [ItemMapping(thing, recipe) for thing, recipe in recipes]
        if pos_item_id is not None:
            return items, []
        rules = [
            RuleMapping(thing, rule) for thing, rule in await self._catalog._rules(venue_id, at)
        ]
        return items, rules

    async def history(self, venue_id: VenueId, limit: int) -> Sequence[AuditEntry]:
        return await ledger.history(self._connection, venue_id, limit)

    async def ledger(self, venue_id: VenueId, product_id: ProductId, limit: int) -> LedgerFigures:
        currency = await self._catalog._currency(venue_id)
        return await ledger.ledger(self._connection, venue_id, currency, product_id, limit)
