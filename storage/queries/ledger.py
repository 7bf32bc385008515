"""The ledger behind one product's on-hand (`why`), and the audit log (`history`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, Table, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.catalog import ProductId
from engine.inventory import Count, Receiving, Waste
from engine.money import Money
from engine.quantity import Quantity
from engine.records import AuditEntry
from engine.reports import LedgerFigures, WhySale
from engine.units import Dimension
from engine.venue import VenueId
from storage.queries.stock import BEGINNING
from storage.tables import (
    audit_log,
    counts,
    depletions,
    pos_items,
    products,
    receivings,
    sale_lines,
    waste,
)


async def ledger(
    connection: AsyncConnection, venue_id: VenueId, currency: str, product_id: ProductId, limit: int
) -> LedgerFigures:
    found = await connection.scalar(
        select(products.c.dimension).where(
            products.c.venue_id == venue_id, products.c.id == product_id
        )
    )
    dimension = Dimension(str(found))
    last = (
        await connection.execute(
            select(counts.c.counted_at, counts.c.quantity)
            .where(counts.c.venue_id == venue_id, counts.c.product_id == product_id)
            .order_by(counts.c.counted_at.desc(), counts.c.id.desc())
            .limit(1)
        )
    ).one_or_none()
    since = BEGINNING if last is None else last.counted_at
    count = None if last is None else Count(product_id, since, Quantity(dimension, last.quantity))

    def after(table: Table, at: str) -> Select[Any]:
        return (
            select(table)
            .where(
                table.c.venue_id == venue_id,
                table.c.product_id == product_id,
                table.c[at] > since,
            )
            .order_by(table.c[at], table.c.id)
        )

    received = tuple(
        Receiving(
            product_id,
            row.received_at,
            Quantity(dimension, row.quantity),
            int(row.containers),
            None if row.cost_per_container is None else Money(row.cost_per_container, currency),
        )
        for row in await connection.execute(after(receivings, "received_at"))
    )
    wasted = tuple(
        Waste(product_id, row.wasted_at, Quantity(dimension, row.quantity), row.reason or "")
        for row in await connection.execute(after(waste, "wasted_at"))
    )
    mine = (
        depletions.c.venue_id == venue_id,
        depletions.c.product_id == product_id,
        depletions.c.closed_at > since,
    )
    total, number = (
        await connection.execute(
            select(func.coalesce(func.sum(depletions.c.quantity), 0), func.count()).where(*mine)
        )
    ).one()
    sales = tuple(
        WhySale(
            at=row.closed_at,
            source_key=row.source_key,
            pos_item=row.name,
            line_quantity=int(row.line_quantity),
            modifiers=tuple(m["name"] for m in json.loads(row.modifiers or "[]")),
            quantity=Quantity(dimension, int(row.quantity)),
            refund=int(row.quantity) < 0,
        )
        for row in await connection.execute(
            select(
                depletions.c.closed_at,
                depletions.c.quantity,
                sale_lines.c.source_key,
                sale_lines.c.quantity.label("line_quantity"),
                sale_lines.c.modifiers,
                pos_items.c.name,
            )
            .join(sale_lines, sale_lines.c.id == depletions.c.sale_line_id)
            .join(pos_items, pos_items.c.id == sale_lines.c.pos_item_id)
            .where(*mine)
            .order_by(depletions.c.closed_at.desc(), depletions.c.id.desc())
            .limit(limit)
        )
    )
    depleted = Quantity(dimension, int(total))
    on_hand = (
        (Quantity.zero(dimension) if count is None else count.quantity)
        + sum((r.quantity for r in received), Quantity.zero(dimension))
        - sum((w.quantity for w in wasted), Quantity.zero(dimension))
        - depleted
    )
    return LedgerFigures(
        on_hand=on_hand,
        count=count,
        receivings=received,
        waste=wasted,
        sales=sales,
        depleted=depleted,
        omitted=int(number) - len(sales),
    )


async def history(
    connection: AsyncConnection, venue_id: VenueId, limit: int
) -> Sequence[AuditEntry]:
    rows = await connection.execute(
        select(audit_log)
        .where(audit_log.c.venue_id == venue_id)
        .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
        .limit(limit)
    )
    return [AuditEntry(row.at, row.actor, row.action, row.target, row.old, row.new) for row in rows]
