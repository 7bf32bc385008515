"""`SqlLedgerRepository`: counts (spot counts and count sessions), receivings and waste, a
product's ledger entries, and the count sheets people keep half-filled (drafts)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.catalog import ProductId
from engine.count_sheets import CountDraft
from engine.inventory import Count, Depletion, LedgerEntry, Receiving, Waste
from engine.money import Money
from engine.quantity import Quantity
from engine.units import Dimension
from engine.venue import VenueId
from storage.dialects import insert_for
from storage.rows import AnyRow
from storage.tables import (
    count_drafts,
    count_sessions,
    counts,
    depletions,
    products,
    receivings,
    sale_lines,
    venues,
    waste,
)


class SqlLedgerRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def add_count(self, venue_id: VenueId, count: Count, actor: str) -> None:
        await self._connection.execute(
            insert(counts).values(
                venue_id=venue_id,
                product_id=count.product_id,
                counted_at=count.at,
                quantity=count.quantity.milli,
                created_by=actor,
            )
        )

    async def add_receiving(self, venue_id: VenueId, receiving: Receiving, actor: str) -> None:
        if receiving.containers is None:
            raise ValueError("a receiving keeps the containers typed")
        cost = receiving.cost_per_container
        await self._connection.execute(
            insert(receivings).values(
                venue_id=venue_id,
                product_id=receiving.product_id,
                received_at=receiving.at,
                containers=receiving.containers,
                quantity=receiving.quantity.milli,
                cost_per_container=None if cost is None else cost.minor,
                created_by=actor,
            )
        )

    async def add_waste(self, venue_id: VenueId, entry: Waste, actor: str) -> None:
        await self._connection.execute(
            insert(waste).values(
                venue_id=venue_id,
                product_id=entry.product_id,
                wasted_at=entry.at,
                quantity=entry.quantity.milli,
                reason=entry.reason or None,
                created_by=actor,
            )
        )

    async def add_count_session(
        self, venue_id: VenueId, counts_: Sequence[Count], *, source: str, actor: str
    ) -> int:
        instants = {count.at for count in counts_}
        if len(instants) != 1:
            raise ValueError("a count session has one instant")
        session_id = await self._connection.scalar(
            insert(count_sessions)
            .values(
                venue_id=venue_id,
                counted_at=instants.pop(),
                source=source,
                products=len(counts_),
                created_by=actor,
            )
            .returning(count_sessions.c.id)
        )
        assert session_id is not None
        await self._connection.execute(
            insert(counts),
            [
                {
                    "venue_id": venue_id,
                    "product_id": count.product_id,
                    "counted_at": count.at,
                    "quantity": count.quantity.milli,
                    "session_id": session_id,
                    "created_by": actor,
                }
                for count in counts_
            ],
        )
        return int(session_id)

    async def count_draft(self, venue_id: VenueId, owner: str) -> CountDraft | None:
        row = (
            await self._connection.execute(
                select(count_drafts).where(
                    count_drafts.c.venue_id == venue_id, count_drafts.c.owner == owner
                )
            )
        ).one_or_none()
        if row is None:
            return None
        entries = {ProductId(int(k)): str(v) for k, v in dict(row.entries).items()}
        return CountDraft(entries, int(row.page), int(row.revision), row.updated_at)

    async def save_count_draft(self, venue_id: VenueId, owner: str, draft: CountDraft) -> None:
        values = {
            "entries": {str(k): v for k, v in sorted(draft.entries.items())},
            "page": draft.page,
            "revision": draft.revision,
            "updated_at": draft.updated_at,
        }
        statement = insert_for(self._connection, count_drafts).values(
            venue_id=venue_id, owner=owner, **values
        )
        await self._connection.execute(
            statement.on_conflict_do_update(
                index_elements=[count_drafts.c.venue_id, count_drafts.c.owner], set_=values
            )
        )

    async def discard_count_draft(self, venue_id: VenueId, owner: str) -> bool:
        gone = await self._connection.execute(
            delete(count_drafts).where(
                count_drafts.c.venue_id == venue_id, count_drafts.c.owner == owner
            )
        )
        return bool(gone.rowcount)

    async def entries(
        self, venue_id: VenueId, product_id: ProductId, since: datetime | None = None
    ) -> Sequence[LedgerEntry]:
        facts = (
            await self._connection.execute(
                select(products.c.dimension, venues.c.currency)
                .join(venues, venues.c.id == products.c.venue_id)
                .where(products.c.venue_id == venue_id, products.c.id == product_id)
            )
        ).one()
        dimension, currency = Dimension(facts.dimension), str(facts.currency)
        found: list[LedgerEntry] = []
        for row in await self._rows(counts, "counted_at", venue_id, product_id, since):
            found.append(Count(product_id, row.counted_at, Quantity(dimension, row.quantity)))
        for row in await self._rows(receivings, "received_at", venue_id, product_id, since):
            cost = row.cost_per_container
            found.append(
                Receiving(
                    product_id,
                    row.received_at,
                    Quantity(dimension, row.quantity),
                    int(row.containers),
                    None if cost is None else Money(int(cost), currency),
                )
            )
        for row in await self._rows(waste, "wasted_at", venue_id, product_id, since):
            found.append(
                Waste(
                    product_id, row.wasted_at, Quantity(dimension, row.quantity), row.reason or ""
                )
            )
        query = (
            select(depletions.c.closed_at, depletions.c.quantity, sale_lines.c.source_key)
            .join(sale_lines, sale_lines.c.id == depletions.c.sale_line_id)
            .where(depletions.c.venue_id == venue_id, depletions.c.product_id == product_id)
        )
        if since is not None:
            query = query.where(depletions.c.closed_at >= since)
        for row in await self._connection.execute(query):
            found.append(
                Depletion(
                    product_id, row.closed_at, Quantity(dimension, row.quantity), row.source_key
                )
            )
        return sorted(found, key=lambda e: e.at)

    async def _rows(
        self,
        table: Table,
        at: str,
        venue_id: VenueId,
        product_id: ProductId,
        since: datetime | None,
    ) -> Sequence[AnyRow]:
        column = table.c[at]
        query = select(table).where(table.c.venue_id == venue_id, table.c.product_id == product_id)
        if since is not None:
            query = query.where(column >= since)
        return list(await self._connection.execute(query.order_by(column, table.c.id)))
