"""`SqlInbox`: claims with leases, outcomes, retries with backoff, replay, lag."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from engine.errors import NotFound
from engine.inbox import EventId, EventSink, EventState, Inbox, RawEvent, RetryPolicy
from storage.database import Database, open_database
from storage.inbox import SqlInbox, mark_all_done_in, mark_done_in
from storage.inbox_writer import InboxWriter, inbox_writer
from storage.tables import webhook_events
from tests.conftest import DbTarget

AT = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)
LATER = AT + timedelta(minutes=1)
LEASE = 30.0


def implements_the_ports(inbox: SqlInbox, writer: InboxWriter) -> tuple[Inbox, EventSink]:
    """Never called: mypy checks here that storage implements the engine's ports."""
    return inbox, writer


async def store(database: Database, count: int, *, at: datetime = AT) -> list[EventId]:
    """`count` events received one second apart from `at`, through the real writer."""
    writer = inbox_writer(database)
    await writer.start()
    try:
        results = await asyncio.gather(
            *(
                writer.submit(
                    RawEvent(
                        "square", f"evt-{at:%H%M%S}-{n}", None, at + timedelta(seconds=n), {}, b"{}"
                    )
                )
                for n in range(count)
            )
        )
    finally:
        await writer.stop()
    return [result.event_id for result in results]


async def failed_event(inbox: SqlInbox, database: Database, *, at: datetime = AT) -> EventId:
    """An event stored at `at` and failed until the inbox gave up (call with no other due event)."""
    [event_id] = await store(database, 1, at=at)
    for _ in range(3):
        await inbox.claim(1, "worker-1", LEASE, LATER + timedelta(days=1))
        await inbox.mark_failed(event_id, "worker-1", "unmapped venue", LATER)
    assert (await inbox.get(event_id)).state is EventState.FAILED
    return event_id


@pytest.fixture
def inbox(database: Database) -> SqlInbox:
    return SqlInbox(database.engine, retry=RetryPolicy(max_attempts=3))


async def test_claim_leases_due_events_oldest_first(inbox: SqlInbox, database: Database) -> None:
    ids = await store(database, 5)

    claimed = await inbox.claim(3, "worker-1", LEASE, LATER)

    assert [event.id for event in claimed] == ids[:3]
    lease_end = LATER + timedelta(seconds=LEASE)
    assert {(e.lease_owner, e.lease_until, e.state) for e in claimed} == {
        ("worker-1", lease_end, EventState.PENDING)
    }
    assert claimed[0].status(LATER) == "processing"
    assert [event.id for event in await inbox.claim(10, "worker-2", LEASE, LATER)] == ids[3:]
    assert await inbox.claim(10, "worker-3", LEASE, LATER) == []


async def test_an_event_received_after_now_is_not_due(inbox: SqlInbox, database: Database) -> None:
    await store(database, 1, at=LATER + timedelta(seconds=1))
    assert await inbox.claim(10, "worker-1", LEASE, LATER) == []
    assert await inbox.claim(0, "worker-1", LEASE, LATER + timedelta(hours=1)) == []


async def test_an_expired_lease_is_claimed_again(inbox: SqlInbox, database: Database) -> None:
    [event_id] = await store(database, 1)
    await inbox.claim(10, "worker-1", LEASE, LATER)  # ... and worker-1 dies

    assert await inbox.claim(10, "worker-2", LEASE, LATER + timedelta(seconds=29)) == []
    expired = LATER + timedelta(seconds=LEASE)
    [reclaimed] = await inbox.claim(10, "worker-2", LEASE, expired)

    assert (reclaimed.id, reclaimed.lease_owner) == (event_id, "worker-2")
    assert not await inbox.mark_done(event_id, "worker-1", expired), "worker-1 lost its lease"
    assert await inbox.mark_done(event_id, "worker-2", expired)


async def test_two_databases_claiming_at_once_never_share_an_event(
    database: Database, db_target: DbTarget
) -> None:
    ids = await store(database, 120)
    other = await open_database(db_target.url)  # a second process, as far as the database knows
    try:

        async def drain(inbox: SqlInbox, owner: str) -> list[EventId]:
            taken: list[EventId] = []
            while batch := await inbox.claim(7, owner, LEASE, LATER + timedelta(minutes=5)):
                taken.extend(event.id for event in batch)
                await asyncio.sleep(0.005)  # processing: the others get their turn
            return taken

        first, second, third = await asyncio.gather(
            drain(SqlInbox(database.engine), "worker-1"),
            drain(SqlInbox(other.engine), "worker-2"),
            drain(SqlInbox(other.engine), "worker-3"),
        )
    finally:
        await other.close()

    assert sorted(first + second + third) == sorted(ids)
    assert len(set(first) | set(second) | set(third)) == len(ids)
    assert first and (second or third), "both databases took part"


async def test_done_is_final_and_kept_by_its_owner(inbox: SqlInbox, database: Database) -> None:
    [event_id] = await store(database, 1)
    await inbox.claim(1, "worker-1", LEASE, LATER)

    assert not await inbox.mark_done(event_id, "worker-2", LATER), "not worker-2's lease"
    assert await inbox.mark_done(event_id, "worker-1", LATER)
    assert not await inbox.mark_done(event_id, "worker-1", LATER), "already done"

    event = await inbox.get(event_id)
    assert (event.state, event.processed_at, event.lease_until, event.lease_owner) == (
        EventState.DONE,
        LATER,
        None,
        "worker-1",
    )
    assert await inbox.claim(10, "worker-1", LEASE, LATER + timedelta(days=1)) == []


async def test_mark_done_in_follows_the_callers_transaction(
    inbox: SqlInbox, database: Database
) -> None:
    [event_id] = await store(database, 1)
    await inbox.claim(1, "worker-1", LEASE, LATER)

    async with database.engine.connect() as connection, connection.begin() as transaction:
        assert await mark_done_in(connection, event_id, "worker-1", LATER)
        await transaction.rollback()  # the booking failed
    assert (await inbox.get(event_id)).state is EventState.PENDING

    async with database.engine.begin() as connection:
        assert await mark_done_in(connection, event_id, "worker-1", LATER)
    assert (await inbox.get(event_id)).state is EventState.DONE


async def test_mark_all_done_in_marks_only_what_the_owner_holds(
    inbox: SqlInbox, database: Database
) -> None:
    mine, theirs, unclaimed = await store(database, 3)
    await inbox.claim(1, "worker-1", LEASE, LATER)
    await inbox.claim(1, "worker-2", LEASE, LATER)

    async with database.engine.begin() as connection:
        done = await mark_all_done_in(connection, [mine, theirs, unclaimed], "worker-1", LATER)
    assert done == {mine}
    states = [(await inbox.get(e)).state for e in (mine, theirs, unclaimed)]
    assert states == [EventState.DONE, EventState.PENDING, EventState.PENDING]


async def test_a_failure_backs_off_then_the_event_is_failed(
    inbox: SqlInbox, database: Database
) -> None:
    [event_id] = await store(database, 1)
    now = LATER

    await inbox.claim(1, "worker-1", LEASE, now)
    assert await inbox.mark_failed(event_id, "worker-1", "Square: 503", now) is EventState.PENDING
    event = await inbox.get(event_id)
    assert (event.attempts, event.next_attempt_at, event.last_error, event.lease_until) == (
        1,
        now + timedelta(seconds=5),
        "Square: 503",
        None,
    )
    assert await inbox.claim(1, "worker-1", LEASE, now + timedelta(seconds=4)) == []

    now += timedelta(seconds=5)
    assert len(await inbox.claim(1, "worker-1", LEASE, now)) == 1
    assert await inbox.mark_failed(event_id, "worker-1", "Square: 503", now) is EventState.PENDING
    assert (await inbox.get(event_id)).next_attempt_at == now + timedelta(seconds=15)

    now += timedelta(seconds=15)
    assert len(await inbox.claim(1, "worker-1", LEASE, now)) == 1
    assert await inbox.mark_failed(event_id, "worker-1", "Square: 503", now) is EventState.FAILED

    event = await inbox.get(event_id)
    assert (event.state, event.attempts) == (EventState.FAILED, 3)
    assert await inbox.claim(1, "worker-1", LEASE, now + timedelta(days=1)) == []
    assert [e.id for e in await inbox.list(failed_only=True)] == [event_id]


async def test_only_the_lease_holder_records_a_failure(inbox: SqlInbox, database: Database) -> None:
    [event_id] = await store(database, 1)
    await inbox.claim(1, "worker-1", LEASE, LATER)
    assert await inbox.mark_failed(event_id, "worker-2", "boom", LATER) is None
    assert (await inbox.get(event_id)).attempts == 0


async def test_a_stored_error_is_short_and_has_no_secret(
    inbox: SqlInbox, database: Database
) -> None:
    [event_id] = await store(database, 1)
    await inbox.claim(1, "worker-1", LEASE, LATER)
    error = "401 Unauthorized, Authorization: Bearer EAAAsecret " + "x" * 1_000
    await inbox.mark_failed(event_id, "worker-1", error, LATER)

    stored = (await inbox.get(event_id)).last_error
    assert stored is not None
    assert len(stored) == 500
    assert "EAAAsecret" not in stored


async def test_a_skipped_event_keeps_its_reason(inbox: SqlInbox, database: Database) -> None:
    [event_id] = await store(database, 1)
    await inbox.claim(1, "worker-1", LEASE, LATER)
    assert await inbox.mark_skipped(event_id, "worker-1", "payment not completed", LATER)

    event = await inbox.get(event_id)
    assert (event.state, event.last_error, event.processed_at) == (
        EventState.SKIPPED,
        "payment not completed",
        LATER,
    )


async def test_replay_makes_any_event_due_with_a_fresh_budget(
    inbox: SqlInbox, database: Database
) -> None:
    failed = await failed_event(inbox, database)
    [done] = await store(database, 1, at=AT + timedelta(seconds=1))
    await inbox.claim(1, "worker-1", LEASE, LATER)
    assert await inbox.mark_done(done, "worker-1", LATER)

    replay_at = LATER + timedelta(hours=2)
    await inbox.replay(failed, replay_at)
    await inbox.replay(done, replay_at)

    event = await inbox.get(failed)
    assert (event.state, event.attempts, event.next_attempt_at, event.last_error) == (
        EventState.PENDING,
        0,
        replay_at,
        "unmapped venue",
    )
    assert (await inbox.get(done)).processed_at is None
    claimed = await inbox.claim(10, "worker-2", LEASE, replay_at)
    assert sorted(event.id for event in claimed) == [failed, done]


async def test_replay_failed_replays_only_failed_events(
    inbox: SqlInbox, database: Database
) -> None:
    await failed_event(inbox, database, at=AT)
    await failed_event(inbox, database, at=AT + timedelta(seconds=1))
    [untouched] = await store(database, 1, at=AT + timedelta(seconds=2))

    assert await inbox.replay_failed(LATER) == 2
    assert await inbox.list(failed_only=True) == []
    assert (await inbox.get(untouched)).state is EventState.PENDING


async def test_unknown_events_are_not_found(inbox: SqlInbox) -> None:
    with pytest.raises(NotFound, match="no event 404"):
        await inbox.get(EventId(404))
    with pytest.raises(NotFound, match="no event 404"):
        await inbox.replay(EventId(404), LATER)


async def test_list_shows_the_newest_first(inbox: SqlInbox, database: Database) -> None:
    ids = await store(database, 4)

    listed = await inbox.list(limit=3)

    assert [event.id for event in listed] == sorted(ids, reverse=True)[:3]
    assert (listed[0].provider, listed[0].body, listed[0].headers) == ("square", b"{}", {})


async def test_lag_is_the_age_of_the_oldest_pending_event(
    inbox: SqlInbox, database: Database
) -> None:
    assert await inbox.lag(LATER) == timedelta(0)
    first, _second = await store(database, 2)

    assert await inbox.lag(LATER) == timedelta(minutes=1)
    await inbox.claim(1, "worker-1", LEASE, LATER)
    await inbox.mark_done(first, "worker-1", LATER)
    assert await inbox.lag(LATER) == timedelta(seconds=59)
    assert await inbox.lag(AT) == timedelta(0), "never negative"


async def test_a_claimer_skips_rows_another_holds_instead_of_waiting(
    database: Database, db_target: DbTarget
) -> None:
    if database.dialect != "postgresql":
        pytest.skip("SKIP LOCKED is PostgreSQL's; SQLite admits one writer at a time")
    ids = await store(database, 6)
    other = await open_database(db_target.url)
    try:
        async with database.engine.connect() as holder, holder.begin():
            # Another worker's claim, caught mid-transaction with its rows locked.
            await holder.execute(
                select(webhook_events.c.id)
                .where(webhook_events.c.id.in_(ids[:3]))
                .with_for_update()
            )
            async with asyncio.timeout(5):
                claimed = await SqlInbox(other.engine).claim(10, "worker-2", LEASE, LATER)
    finally:
        await other.close()
    assert [event.id for event in claimed] == ids[3:]


async def test_a_worker_drains_the_inbox_while_webhooks_keep_arriving(
    database: Database,
) -> None:
    # The writer (a thread of its own on SQLite) and the worker's claims and outcomes (the async
    # engine) take turns on the database; every acknowledged event ends up done, exactly once.
    wake = asyncio.Event()
    writer = inbox_writer(database, on_commit=wake.set)
    inbox = SqlInbox(database.engine)
    now = datetime.now(UTC)
    acknowledged: list[EventId] = []
    booked: list[EventId] = []

    async def pos(sender: int) -> None:
        for n in range(25):
            event = RawEvent("square", f"evt-{sender}-{n}", None, now, {}, b"{}")
            acknowledged.append((await writer.submit(event)).event_id)

    async def worker() -> None:
        while len(booked) < 100:
            claimed = await inbox.claim(16, "worker-1", LEASE, now)
            for event in claimed:
                assert await inbox.mark_done(event.id, "worker-1", now)
                booked.append(event.id)
            if len(claimed) < 16 and len(booked) < 100:  # drained: sleep until a commit
                async with asyncio.timeout(10):
                    await wake.wait()
                wake.clear()

    await writer.start()
    try:
        await asyncio.gather(*(pos(sender) for sender in range(4)), worker())
    finally:
        await writer.stop()

    assert sorted(booked) == sorted(acknowledged)
    assert await inbox.lag(now) == timedelta(0)
