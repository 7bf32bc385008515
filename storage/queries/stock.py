"""On-hand per product in one query (rule 7), and daily usage from the rollup.

On-hand = the last count (latest `counted_at`, then latest row) + receivings after it - waste after
it - depletions of receipts closed after it, each a correlated SUM over the (venue, product,
instant) indexes. With no count, everything is summed from zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import Table, and_, func, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from engine.catalog import ProductId
from engine.quantity import Quantity
from engine.reports import OnHandFigure
from engine.units import Dimension
from engine.venue import VenueId
from storage.rows import product_from_row
from storage.tables import counts, daily_product_usage, depletions, products, receivings, waste
from storage.types import UtcDateTime

BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)


def last_counts(venue_id: VenueId) -> Table:
    """Each product's counts ranked newest first (`rn` = 1 is the last count)."""
    order = (counts.c.counted_at.desc(), counts.c.id.desc())
    ranked = select(
        counts.c.product_id,
        counts.c.counted_at,
        counts.c.quantity,
        func.row_number().over(partition_by=counts.c.product_id, order_by=order).label("rn"),
    ).where(counts.c.venue_id == venue_id)
    return ranked.cte("ranked_counts")  # type: ignore[return-value]


def sum_after(
    table: Table, at: str, venue_id: VenueId, since: ColumnElement[object]
) -> ColumnElement[int]:
    """SUM(quantity) of `table` for the outer product, strictly after `since` (all if NULL)."""
    return (
        select(func.coalesce(func.sum(table.c.quantity), 0))
        .where(
            table.c.venue_id == venue_id,
            table.c.product_id == products.c.id,
            # COALESCE rather than `IS NULL OR`: a constant bound keeps the index range scan.
            table.c[at] > func.coalesce(since, literal(BEGINNING, UtcDateTime())),
        )
        .scalar_subquery()
    )


async def on_hand(
    connection: AsyncConnection, venue_id: VenueId, currency: str, product_id: ProductId | None
) -> Sequence[OnHandFigure]:
    last = last_counts(venue_id)
    since = last.c.counted_at
    query = (
        select(
            products,
            last.c.counted_at,
            last.c.quantity.label("counted"),
            sum_after(receivings, "received_at", venue_id, since).label("received"),
            sum_after(waste, "wasted_at", venue_id, since).label("wasted"),
            sum_after(depletions, "closed_at", venue_id, since).label("depleted"),
        )
        .select_from(
            products.outerjoin(last, and_(last.c.product_id == products.c.id, last.c.rn == 1))
        )
        .where(products.c.venue_id == venue_id)
        .order_by(products.c.name_key)
    )
    if product_id is not None:
        query = query.where(products.c.id == product_id)
    else:  # a removed product is no longer on the shelf
        query = query.where(products.c.archived_at.is_(None))
    figures = []
    for row in await connection.execute(query):
        total = int(row.counted or 0) + int(row.received) - int(row.wasted) - int(row.depleted)
        figures.append(
            OnHandFigure(
                product=product_from_row(row, currency),
                on_hand=Quantity(Dimension(row.dimension), total),
                last_count_at=row.counted_at,
                created_at=row.created_at,
            )
        )
    return figures


async def daily_usage(
    connection: AsyncConnection, venue_id: VenueId, first: date, last: date
) -> Mapping[ProductId, Mapping[date, Quantity]]:
    rows = await connection.execute(
        select(
            daily_product_usage.c.product_id,
            daily_product_usage.c.business_day,
            daily_product_usage.c.quantity,
            products.c.dimension,
        )
        .join(products, products.c.id == daily_product_usage.c.product_id)
        .where(
            daily_product_usage.c.venue_id == venue_id,
            daily_product_usage.c.business_day >= first,
            daily_product_usage.c.business_day <= last,
        )
    )
    usage: dict[ProductId, dict[date, Quantity]] = {}
    for row in rows:
        days = usage.setdefault(ProductId(row.product_id), {})
        days[row.business_day] = Quantity(Dimension(row.dimension), int(row.quantity))
    return usage
