"""Sales over business days, summed by the database from the daily rollups.

A period's totals read `daily_item_sales` (one row per venue, day and POS item; refunds are
already subtracted on their own day), `daily_receipts` and `refunds`; a single day's chart reads
`sale_lines` and `refunds` of that business day through their (venue, business_day) indexes,
grouped by UTC quarter-hour (so half- and quarter-hour time zones still fall into whole local
hours when the caller gathers them).

Costs of goods are summed in two parts, the millions of micro-minor units and the rest, joined in
Python (`_cogs`): SQLite's `sum()` of integers fails past 2**63, and a rollup cell may hold up to
10**18 micro-minor units (`engine.bounds.MAX_CELL_COGS`), so a report over many such cells would
otherwise overflow. Each part of a cell is under 10**12, so millions of cells sum safely.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import BigInteger, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from engine.money import MICRO, Cost, Money
from engine.records import PosKind, PosThing
from engine.reports import ItemSales, SalesFigures, SalesSlot
from engine.venue import VenueId
from storage.tables import daily_item_sales, daily_receipts, pos_items, refunds, sale_lines

QUARTER_HOUR = 900


async def sales(
    connection: AsyncConnection,
    venue_id: VenueId,
    currency: str,
    first: date,
    last: date,
    top: int,
) -> SalesFigures:
    days = (
        daily_item_sales.c.venue_id == venue_id,
        daily_item_sales.c.business_day >= first,
        daily_item_sales.c.business_day <= last,
    )
    totals = (
        await connection.execute(
            select(
                func.coalesce(func.sum(daily_item_sales.c.net_amount), 0).label("net"),
                *_cogs_sums(daily_item_sales.c.cogs),
                func.coalesce(func.sum(daily_item_sales.c.lines), 0).label("lines"),
            ).where(*days)
        )
    ).one()
    receipt_count = await connection.scalar(
        select(func.coalesce(func.sum(daily_receipts.c.receipts), 0)).where(
            daily_receipts.c.venue_id == venue_id,
            daily_receipts.c.business_day >= first,
            daily_receipts.c.business_day <= last,
        )
    )
    refunded = await connection.scalar(
        select(func.coalesce(func.sum(refunds.c.amount), 0)).where(
            refunds.c.venue_id == venue_id,
            refunds.c.business_day >= first,
            refunds.c.business_day <= last,
        )
    )
    net = func.sum(daily_item_sales.c.net_amount)
    ranked = (
        select(
            daily_item_sales.c.pos_item_id,
            func.sum(daily_item_sales.c.quantity).label("quantity"),
            net.label("net"),
            *_cogs_sums(daily_item_sales.c.cogs),
        )
        .where(*days)
        .group_by(daily_item_sales.c.pos_item_id)
        .order_by(net.desc(), daily_item_sales.c.pos_item_id)
        .limit(top)
        .subquery()
    )
    items = [
        ItemSales(
            PosThing(row.id, PosKind.ITEM, row.provider, row.external_id, row.name),
            int(row.quantity),
            Money(int(row.net), currency),
            Cost(_cogs(row), currency),
        )
        for row in await connection.execute(
            select(ranked, pos_items.c.id, pos_items.c.provider, pos_items.c.external_id)
            .add_columns(pos_items.c.name)
            .join(pos_items, pos_items.c.id == ranked.c.pos_item_id)
            .order_by(ranked.c.net.desc(), ranked.c.pos_item_id)
        )
    ]
    return SalesFigures(
        net_sales=Money(int(totals.net), currency),
        refunds=Money(int(refunded or 0), currency),
        cogs=Cost(_cogs(totals), currency),
        receipts=int(receipt_count or 0),
        lines=int(totals.lines),
        items=tuple(items),
    )


async def sales_by_day(
    connection: AsyncConnection, venue_id: VenueId, currency: str, first: date, last: date
) -> Sequence[SalesSlot]:
    rows = await connection.execute(
        select(
            daily_item_sales.c.business_day,
            func.sum(daily_item_sales.c.net_amount).label("net"),
            *_cogs_sums(daily_item_sales.c.cogs),
        )
        .where(
            daily_item_sales.c.venue_id == venue_id,
            daily_item_sales.c.business_day >= first,
            daily_item_sales.c.business_day <= last,
        )
        .group_by(daily_item_sales.c.business_day)
        .order_by(daily_item_sales.c.business_day)
    )
    return [
        SalesSlot(row.business_day, Money(int(row.net), currency), Cost(_cogs(row), currency))
        for row in rows
    ]


def _cogs_sums(column: Any) -> tuple[ColumnElement[int], ColumnElement[int]]:
    """Sums of a micro-minor column in two parts (see the module's docstring); both dialects
    divide integers towards zero, and `%` keeps the dividend's sign, so the parts rejoin
    exactly."""
    return (
        func.coalesce(func.sum(column // MICRO), 0).label("cogs_millions"),
        func.coalesce(func.sum(column % MICRO), 0).label("cogs_rest"),
    )


def _cogs(row: Any) -> int:
    return int(row.cogs_millions) * MICRO + int(row.cogs_rest)


def quarter_hour(connection: AsyncConnection, column: Any) -> ColumnElement[int]:
    """The UTC quarter-hour an instant falls in, as seconds since the epoch / 900."""
    if connection.dialect.name == "sqlite":
        # Stored as fixed-width ISO text in UTC: the first 19 characters are the UTC wall clock.
        seconds = cast(func.strftime("%s", func.substr(column, 1, 19)), BigInteger)
        return seconds // QUARTER_HOUR
    return cast(func.floor(func.extract("epoch", column) / QUARTER_HOUR), BigInteger)


async def sales_by_quarter_hour(
    connection: AsyncConnection, venue_id: VenueId, currency: str, day: date
) -> Sequence[SalesSlot]:
    slot = quarter_hour(connection, sale_lines.c.closed_at).label("slot")
    sold = await connection.execute(
        select(slot, func.sum(sale_lines.c.net_amount), *_cogs_sums(sale_lines.c.cogs))
        .where(sale_lines.c.venue_id == venue_id, sale_lines.c.business_day == day)
        .group_by(slot)
    )
    refund_slot = quarter_hour(connection, refunds.c.refunded_at).label("slot")
    refunded = await connection.execute(
        select(refund_slot, func.sum(refunds.c.amount), *_cogs_sums(refunds.c.cogs))
        .where(refunds.c.venue_id == venue_id, refunds.c.business_day == day)
        .group_by(refund_slot)
    )
    slots: dict[int, list[int]] = {}
    for sign, rows in ((1, sold), (-1, refunded)):
        for row in rows:
            total = slots.setdefault(int(row[0]), [0, 0])
            total[0] += sign * int(row[1])
            total[1] += sign * _cogs(row)
    return [
        SalesSlot(
            datetime.fromtimestamp(number * QUARTER_HOUR, UTC),
            Money(net, currency),
            Cost(cogs, currency),
        )
        for number, (net, cogs) in sorted(slots.items())
    ]
