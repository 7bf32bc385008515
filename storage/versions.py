"""Moving receipts' versions in the booking transaction (`engine.line_books.VersionClaim`).

The `receipts` row holds the newest version booked. A claim moves it from what the plan read to
what the plan booked, and only then are the plan's lines and corrections written:
- a receipt never booked is inserted (ON CONFLICT DO NOTHING); one already booked is updated
  where its version is still the one read (and its refunds still sum as read);
- when a concurrent delivery moved it in between: if that one booked this version or a newer one,
  this receipt's part of the plan is dropped (it is then exactly a duplicate or an older
  version); otherwise the plan is stale and `Conflict` sends the event back to be retried.

On PostgreSQL the insert or update waits for a concurrent transaction holding the row, so the
check sees what it committed; SQLite has one writer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.errors import Conflict
from engine.line_books import VersionClaim
from engine.venue import VenueId
from storage.dialects import InsertFor, prepared
from storage.receipt_books import key_range, refund_sums
from storage.tables import receipts, sale_lines

Key = tuple[str, str]


async def claim_versions(
    connection: AsyncConnection,
    venue_id: VenueId,
    claims: Sequence[VersionClaim],
    booked_at: datetime,
) -> tuple[dict[Key, int], set[Key]]:
    """The receipts' row ids by key, and the keys whose part of the plan gives way."""
    ids: dict[Key, int] = {}
    dropped: set[Key] = set()
    fresh = sorted((c for c in claims if c.prior is None), key=lambda c: c.key)
    if fresh:
        inserted = await connection.execute(
            prepared(connection, _receipt_insert),
            [_row(venue_id, claim, booked_at) for claim in fresh],
        )
        ids.update({(r.provider, r.external_id): int(r.id) for r in inserted})
    for claim in sorted((c for c in claims if c.prior is not None), key=lambda c: c.key):
        row_id = await connection.scalar(
            update(receipts)
            .where(
                receipts.c.venue_id == venue_id,
                receipts.c.provider == claim.provider,
                receipts.c.external_id == claim.receipt_id,
                receipts.c.version == str(claim.prior),
            )
            .values(version=str(claim.version))
            .returning(receipts.c.id)
        )
        if row_id is not None:
            ids[claim.key] = int(row_id)
            await _same_refunds(connection, venue_id, int(row_id), claim)
    for claim in claims:
        if claim.key not in ids:
            await _lost(connection, venue_id, claim, dropped)
    return ids, dropped


async def _lost(
    connection: AsyncConnection, venue_id: VenueId, claim: VersionClaim, dropped: set[Key]
) -> None:
    """A concurrent delivery moved the receipt first: give way, or retry."""
    version = await connection.scalar(
        select(receipts.c.version).where(
            receipts.c.venue_id == venue_id,
            receipts.c.provider == claim.provider,
            receipts.c.external_id == claim.receipt_id,
        )
    )
    if version is not None and int(version) >= claim.version:
        dropped.add(claim.key)
        return
    raise Conflict(
        f"receipt {claim.receipt_id!r} changed while it was being booked; it is booked again"
    )


async def _same_refunds(
    connection: AsyncConnection, venue_id: VenueId, row_id: int, claim: VersionClaim
) -> None:
    """A refund of the receipt committed since the plan read it: the plan is stale."""
    if claim.refund_mark is None:
        return
    firsts = select(sale_lines.c.id).where(
        key_range(venue_id, row_id, claim.provider, claim.receipt_id),
        sale_lines.c.corrects.is_(None),
    )
    ids = [int(i) for i in await connection.scalars(firsts)]
    sums = [0, 0, 0, 0]
    for row in await connection.execute(refund_sums(ids)) if ids else ():
        for i in range(4):
            sums[i] += int(row[i + 1] or 0)
    if tuple(sums) != claim.refund_mark:
        raise Conflict(
            f"receipt {claim.receipt_id!r} was refunded while it was being booked; "
            "it is booked again"
        )


def _row(venue_id: VenueId, claim: VersionClaim, booked_at: datetime) -> dict[str, object]:
    return {
        "venue_id": venue_id,
        "provider": claim.provider,
        "external_id": claim.receipt_id,
        "version": str(claim.version),
        "closed_at": claim.closed_at,
        "business_day": claim.business_day,
        "currency": claim.currency,
        "booked_at": booked_at,
    }


def _receipt_insert(insert: InsertFor) -> Any:
    return (
        insert(receipts)
        .on_conflict_do_nothing(
            index_elements=[receipts.c.venue_id, receipts.c.provider, receipts.c.external_id]
        )
        .returning(receipts.c.id, receipts.c.provider, receipts.c.external_id)
    )
