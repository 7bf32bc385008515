"""Writing refunds: rows, restocks and the rollups they reverse, in the caller's transaction.

A refund row is inserted with ON CONFLICT DO NOTHING on its key; only the rows whose insert won
get restocks and rollup amounts. Since revision 0007 a row keeps what its refund asked for
(`requested_*`, beyond what it booked when the line had less left) and a restock's depletion
names its refund row. A correction's refund change (`<line key>@v<n>:refunds`) is a row like
any other, possibly negative: the line's refunds came back within what it sold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.refunds import RefundBooking, RefundedLine
from engine.venue import VenueId
from storage.dialects import InsertFor, prepared
from storage.rollups import Rollup, write_rollup
from storage.tables import depletions, refunds, sale_lines


async def refunded_keys(
    connection: AsyncConnection, venue_id: VenueId, keys: list[str]
) -> frozenset[str]:
    if not keys:
        return frozenset()
    found = await connection.scalars(
        select(refunds.c.source_key).where(
            refunds.c.venue_id == venue_id, refunds.c.source_key.in_(sorted(set(keys)))
        )
    )
    return frozenset(found.all())


async def add_refund(
    connection: AsyncConnection, venue_id: VenueId, booking: RefundBooking
) -> frozenset[str]:
    if not booking.lines:
        return frozenset()
    sales = {
        row.source_key: (int(row.id), int(row.pos_item_id))
        for row in await connection.execute(
            select(sale_lines.c.id, sale_lines.c.source_key, sale_lines.c.pos_item_id).where(
                sale_lines.c.venue_id == venue_id,
                sale_lines.c.source_key.in_(sorted({ln.sale_key for ln in booking.lines})),
            )
        )
    }
    rows = [_values(venue_id, booking, sales, line) for line in booking.lines]
    rows.sort(key=lambda row: str(row["source_key"]))
    found = await connection.execute(prepared(connection, _refund_insert), rows)
    won = {row[0]: int(row[1]) for row in found}
    rollup = Rollup(booking.business_day)
    restocks: list[dict[str, object]] = []
    for line in (ln for ln in booking.lines if ln.source_key in won):
        sale_line_id, pos_item = sales[line.sale_key]
        returned_cogs = sum(m.cogs.micro for m in line.returned)
        rollup.add_item(pos_item, -line.quantity, -line.amount.minor, -returned_cogs, 0)
        for m in line.returned:
            rollup.add_usage(m.product_id, -m.quantity.milli, -m.cogs.micro)
            restocks.append(
                {
                    "venue_id": venue_id,
                    "sale_line_id": sale_line_id,
                    "product_id": m.product_id,
                    "quantity": -m.quantity.milli,
                    "cogs": -m.cogs.micro,
                    "closed_at": booking.refunded_at,
                    "business_day": booking.business_day,
                    "refund_id": won[line.source_key],
                }
            )
    if restocks:
        await connection.execute(depletions.insert(), restocks)
    await write_rollup(connection, venue_id, rollup)
    return frozenset(won)


def _values(
    venue_id: VenueId,
    booking: RefundBooking,
    sales: Mapping[str, tuple[int, int]],
    line: RefundedLine,
) -> dict[str, object]:
    requested = (line.requested_quantity, line.requested_amount)
    return {
        "venue_id": venue_id,
        "sale_line_id": sales[line.sale_key][0],
        "source_key": line.source_key,
        "quantity": line.quantity,
        "amount": line.amount.minor,
        "cogs": sum(m.cogs.micro for m in line.returned),
        "refunded_at": booking.refunded_at,
        "business_day": booking.business_day,
        "restocked": line.restocked,
        "requested_quantity": line.quantity if requested[0] is None else requested[0],
        "requested_amount": line.amount.minor if requested[1] is None else requested[1],
    }


def _refund_insert(insert: InsertFor) -> Any:
    return (
        insert(refunds)
        .on_conflict_do_nothing(index_elements=[refunds.c.venue_id, refunds.c.source_key])
        .returning(refunds.c.source_key, refunds.c.id)
    )
