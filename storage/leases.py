"""Leased claims, shared by the inbox (`webhook_events`) and the outbox: one statement that leases
up to `limit` due rows to an owner and returns them.

A claim pushes the row's `next_attempt_at` to the end of the lease (and records `lease_owner` and
`lease_until`), so one condition on the (state, next_attempt_at) index finds new rows, rows due
for a retry and rows whose claimer died, with no "processing" state a crash could strand.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Table, Update, select, update


def claim_statement(
    table: Table,
    due: ColumnElement[bool],
    order_by: Sequence[ColumnElement[object]],
    limit: int,
    owner: str,
    lease_until: datetime,
) -> Update:
    """UPDATE ... RETURNING every column, for rows of `table` matching `due`.

    PostgreSQL: FOR UPDATE SKIP LOCKED lets concurrent claimers (other processes) pass over each
    other's rows instead of queueing on them, and a row that a claimer committed first is re-checked
    against the WHERE and dropped. In a CTE, PostgreSQL runs the locking SELECT once; as an
    IN (subquery) a plan may rescan it and lock more than `limit` rows. SQLite renders no locking
    clause; its BEGIN IMMEDIATE admits one writer at a time.
    """
    picked = (
        select(table.c.id)
        .where(due)
        .order_by(*order_by)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .cte("due")
    )
    return (
        update(table)
        .where(table.c.id.in_(select(picked.c.id)))
        .values(lease_owner=owner, lease_until=lease_until, next_attempt_at=lease_until)
        .returning(*table.c)
    )
