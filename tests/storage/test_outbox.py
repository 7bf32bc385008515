"""The outbox: dedupe, leased claims (no row to two claimers), backoff, Retry-After, final."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from engine.alerts import OUTBOX_RETRY, AlertKind, NewAlert, OutboxState
from engine.venue import VenueId
from engine.venue_admin import add_venue
from storage.database import Database
from storage.outbox import SqlOutbox
from tests.engine.usecases_world import FakeClock

T0 = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)


async def venue(db: Database) -> VenueId:
    await add_venue(
        db.unit_of_work, FakeClock(), slug="downtown", name="Downtown",
        timezone="America/New_York", currency="USD", actor="cli:sam",
    )  # fmt: skip
    async with db.unit_of_work() as uow:
        return (await uow.venues.get("downtown")).id


async def add(
    db: Database, v: VenueId, key: str, kind: AlertKind = AlertKind.VARIANCE
) -> int | None:
    async with db.unit_of_work() as uow:
        found = await uow.alerts.add(NewAlert(v, kind, key, {"channel": "C1", "n": key}, T0), T0)
        await uow.commit()
    return found


async def test_a_dedupe_key_is_written_once(database: Database) -> None:
    v = await venue(database)
    assert await add(database, v, "k1") is not None
    assert await add(database, v, "k1") is None
    assert len(await SqlOutbox(database.engine).list()) == 1


async def test_concurrent_claimers_never_share_a_row(database: Database) -> None:
    v = await venue(database)
    for n in range(30):
        await add(database, v, f"k{n}")
    outbox = SqlOutbox(database.engine)
    batches = await asyncio.gather(*(outbox.claim(10, f"owner-{i}", 60, T0) for i in range(4)))
    ids = [m.id for batch in batches for m in batch]
    assert sorted(ids) == sorted(set(ids)) and len(ids) == 30
    assert await outbox.claim(10, "late", 60, T0) == []  # all leased
    again = await outbox.claim(50, "after-lease", 60, T0 + timedelta(seconds=61))
    assert len(again) == 30  # the leases expired: claimable again


async def test_failures_back_off_honour_retry_after_and_give_up(database: Database) -> None:
    v = await venue(database)
    mid = await add(database, v, "k")
    assert mid is not None
    outbox = SqlOutbox(database.engine)
    [m] = await outbox.claim(5, "a", 60, T0)
    assert await outbox.mark_failed(m.id, "b", "not mine", T0) is None
    assert await outbox.mark_failed(m.id, "a", "Slack answered 500", T0) is OutboxState.PENDING
    assert await outbox.claim(5, "a", 60, T0 + timedelta(seconds=4)) == []
    [m] = await outbox.claim(5, "a", 60, T0 + OUTBOX_RETRY.first_delay)
    later = T0 + timedelta(minutes=5)
    await outbox.mark_failed(m.id, "a", "ratelimited", T0, not_before=later)
    assert await outbox.claim(5, "a", 60, later - timedelta(seconds=1)) == []
    [m] = await outbox.claim(5, "a", 60, later)
    assert await outbox.mark_failed(m.id, "a", "invalid_blocks", later, final=True) is (
        OutboxState.FAILED
    )
    stored = await outbox.get(m.id)
    assert stored is not None and stored.attempts == 3 and stored.last_error == "invalid_blocks"


async def test_sent_rows_keep_their_ts_and_waiting_unmapped_rows_join_the_batch(
    database: Database,
) -> None:
    v = await venue(database)
    async with database.unit_of_work() as uow:
        for n, due in enumerate((T0, T0 + timedelta(seconds=20))):
            alert = NewAlert(v, AlertKind.UNMAPPED, f"u{n}", {"channel": "C1"}, due)
            await uow.alerts.add(alert, T0)
        await uow.commit()
    outbox = SqlOutbox(database.engine)
    claimed = await outbox.claim(1, "a", 60, T0)
    assert [m.dedupe_key for m in claimed] == ["u0", "u1"]  # u1 is not due yet, but joins
    for m in claimed:
        assert await outbox.mark_sent(m.id, "a", "1700.000001", T0)
    assert {m.slack_ts for m in await outbox.list()} == {"1700.000001"}
    assert await outbox.claim(5, "a", 60, T0 + timedelta(hours=1)) == []
