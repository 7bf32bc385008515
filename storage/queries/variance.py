"""Variance between two counts per product (rule 8), summed by the database.

Counts are ranked per product newest first and oldest first; the pair is the last two counts, or
the first and last within a window. Received, wasted and depleted in (t1, t2] are correlated SUMs
on the (venue, product, instant) indexes; the cost is the version in effect at t2.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from engine.catalog import ProductId
from engine.inventory import Count, Variance
from engine.money import Money
from engine.quantity import Quantity
from engine.units import Dimension
from engine.venue import VenueId
from storage.rows import in_effect
from storage.tables import counts, depletions, product_costs, products, receivings, waste


def _between(
    table: Table, at: str, venue_id: VenueId, start: ColumnElement[datetime], end: Any
) -> ColumnElement[int]:
    return (
        select(func.coalesce(func.sum(table.c.quantity), 0))
        .where(
            table.c.venue_id == venue_id,
            table.c.product_id == end.c.product_id,
            table.c[at] > start,
            table.c[at] <= end.c.counted_at,
        )
        .scalar_subquery()
    )


async def variances(
    connection: AsyncConnection,
    venue_id: VenueId,
    currency: str,
    product_id: ProductId | None,
    window: tuple[datetime, datetime] | None,
) -> Sequence[Variance]:
    newest = (counts.c.counted_at.desc(), counts.c.id.desc())
    oldest = (counts.c.counted_at.asc(), counts.c.id.asc())
    chosen = select(
        counts.c.product_id,
        counts.c.counted_at,
        counts.c.quantity,
        func.row_number().over(partition_by=counts.c.product_id, order_by=newest).label("down"),
        func.row_number().over(partition_by=counts.c.product_id, order_by=oldest).label("up"),
    ).where(counts.c.venue_id == venue_id)
    if product_id is not None:
        chosen = chosen.where(counts.c.product_id == product_id)
    if window is not None:
        chosen = chosen.where(counts.c.counted_at >= window[0], counts.c.counted_at < window[1])
    ranked = chosen.cte("ranked")
    end = ranked.alias("end_count")
    start = ranked.alias("start_count")
    start_rank = start.c.up == 1 if window is not None else start.c.down == 2
    cost = (
        select(product_costs.c.cost_per_container, product_costs.c.container_size)
        .where(product_costs.c.product_id == end.c.product_id)
        .where(in_effect(product_costs, end.c.counted_at))
        .order_by(product_costs.c.valid_from.desc())
        .limit(1)
    )
    query = (
        select(
            end.c.product_id,
            products.c.dimension,
            start.c.counted_at.label("t1"),
            start.c.quantity.label("q1"),
            end.c.counted_at.label("t2"),
            end.c.quantity.label("q2"),
            _between(receivings, "received_at", venue_id, start.c.counted_at, end).label("rec"),
            _between(waste, "wasted_at", venue_id, start.c.counted_at, end).label("wasted"),
            _between(depletions, "closed_at", venue_id, start.c.counted_at, end).label("used"),
            cost.with_only_columns(product_costs.c.cost_per_container)
            .scalar_subquery()
            .label("cost"),
            cost.with_only_columns(product_costs.c.container_size).scalar_subquery().label("size"),
        )
        .select_from(
            end.join(start, and_(start.c.product_id == end.c.product_id, start_rank)).join(
                products, products.c.id == end.c.product_id
            )
        )
        .where(end.c.down == 1, start.c.counted_at < end.c.counted_at)
        .order_by(products.c.name_key)
    )
    found = []
    for row in await connection.execute(query):
        dimension = Dimension(row.dimension)
        product = ProductId(row.product_id)
        found.append(
            Variance(
                product_id=product,
                start=Count(product, row.t1, Quantity(dimension, int(row.q1))),
                end=Count(product, row.t2, Quantity(dimension, int(row.q2))),
                received=Quantity(dimension, int(row.rec)),
                depleted=Quantity(dimension, int(row.used)),
                waste=Quantity(dimension, int(row.wasted)),
                cost_per_container=Money(int(row.cost), currency),
                container_size=Quantity(dimension, int(row.size)),
            )
        )
    return found
