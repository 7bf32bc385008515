"""`EventProcessor`: a reader's answer or error -> the inbox call it makes (no database)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from engine.errors import InvalidInput, NotFound
from engine.inbox import EventId, EventState, StoredEvent
from integrations.errors import BadPayload, NotConnected, UpstreamRejected, UpstreamUnavailable
from integrations.processing import EventProcessor, GenericReader, Outcome, Read, Waiting
from integrations.provider import Skip

NOW = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)


def event(provider: str = "test", body: bytes = b"{}", venue_id: int | None = 1) -> StoredEvent:
    return StoredEvent(
        id=EventId(7), provider=provider, dedupe_key="k", venue_id=venue_id, received_at=NOW,
        headers={}, body=body, state=EventState.PENDING, attempts=0, next_attempt_at=NOW,
        lease_owner="w", lease_until=NOW + timedelta(minutes=2), last_error=None,
        processed_at=None,
    )  # fmt: skip


@dataclass
class FakeInbox:
    calls: list[tuple[str, object]] = field(default_factory=list)
    holds: bool = True

    async def mark_skipped(self, event_id: EventId, owner: str, reason: str, now: datetime) -> bool:
        self.calls.append(("skipped", reason))
        return self.holds

    async def mark_failed(
        self, event_id: EventId, owner: str, error: str, now: datetime, *, final: bool = False
    ) -> EventState | None:
        self.calls.append(("failed" if final else "retry", error))
        if not self.holds:
            return None
        return EventState.FAILED if final else EventState.PENDING


@dataclass
class Reader:
    answer: Read | Skip | Exception

    async def read(self, event: StoredEvent) -> Read | Skip:
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def processor(
    answer: Read | Skip | Exception, inbox: FakeInbox, booked: list[Sequence[object]]
) -> EventProcessor:
    async def book(event: StoredEvent, read: Read, owner: str, now: datetime) -> bool:
        booked.append(read.documents)
        return inbox.holds

    outcomes: list[tuple[str, Outcome]] = []
    return EventProcessor(
        inbox,  # type: ignore[arg-type]
        {"test": Reader(answer)},
        book,
        lambda: NOW,
        on_outcome=lambda provider, outcome: outcomes.append((provider, outcome)),
    )


async def test_a_read_is_booked() -> None:
    inbox, booked = FakeInbox(), list[Sequence[object]]()
    outcome = await processor(Read(1, ()), inbox, booked).process(event(), "w")
    assert (outcome, inbox.calls, booked) == (Outcome.DONE, [], [()])


async def test_a_skip_is_marked_skipped_with_its_reason() -> None:
    inbox, booked = FakeInbox(), list[Sequence[object]]()
    outcome = await processor(Skip("payment is APPROVED"), inbox, booked).process(event(), "w")
    assert (outcome, inbox.calls, booked) == (
        Outcome.SKIPPED,
        [("skipped", "payment is APPROVED")],
        [],
    )


@pytest.mark.parametrize(
    ("error", "outcome", "call"),
    [
        (UpstreamUnavailable("Square answered 503"), Outcome.RETRY, "retry"),
        (NotConnected("token revoked"), Outcome.RETRY, "retry"),
        (NotFound("no cost for Tito's"), Outcome.RETRY, "retry"),
        (RuntimeError("a bug"), Outcome.RETRY, "retry"),
        (InvalidInput("EUR, not USD"), Outcome.FAILED, "failed"),
        (BadPayload("no lines"), Outcome.FAILED, "failed"),
        (UpstreamRejected("404", status=404), Outcome.FAILED, "failed"),
    ],
)
async def test_errors_are_retried_or_failed_at_once(
    error: Exception, outcome: Outcome, call: str
) -> None:
    inbox, booked = FakeInbox(), list[Sequence[object]]()
    assert await processor(error, inbox, booked).process(event(), "w") is outcome
    assert [name for name, _ in inbox.calls] == [call]
    # `barback events` shows the reason to people: the error's words, never a class name; a
    # refusal says it is one.
    reason = str(inbox.calls[0][1])
    assert str(error) in reason
    assert type(error).__name__ not in reason
    assert reason.startswith("refused: ") is (outcome is Outcome.FAILED)


async def test_a_lost_lease_is_reported() -> None:
    inbox, booked = FakeInbox(holds=False), list[Sequence[object]]()
    assert await processor(Read(1, ()), inbox, booked).process(event(), "w") is Outcome.LOST
    assert await processor(Skip("x"), inbox, booked).process(event(), "w") is Outcome.LOST


@pytest.mark.parametrize(("holds", "outcome"), [(True, Outcome.RETRY), (False, Outcome.LOST)])
async def test_a_booking_that_waits_for_its_sale_is_retried_not_done(
    holds: bool, outcome: Outcome
) -> None:
    inbox = FakeInbox(holds=holds)

    async def book(event: StoredEvent, read: Read, owner: str, now: datetime) -> Waiting:
        return Waiting("sale not recorded yet: refund RF-1")

    processor = EventProcessor(inbox, {"test": Reader(Read(1, ()))}, book, lambda: NOW)  # type: ignore[arg-type]
    assert await processor.process(event(), "w") is outcome
    assert inbox.calls == [("retry", "sale not recorded yet: refund RF-1")]


async def test_an_unknown_provider_fails_at_once() -> None:
    inbox, booked = FakeInbox(), list[Sequence[object]]()
    outcome = await processor(Skip("x"), inbox, booked).process(event("toast"), "w")
    assert outcome is Outcome.FAILED


async def test_the_generic_reader_reads_the_stored_body() -> None:
    body = (
        b'{"event_id": "e", "type": "receipt.closed", "receipt": {"id": "R-1", '
        b'"closed_at": "2026-11-21T21:00:00-05:00", "currency": "USD", "lines": '
        b'[{"id": "L1", "name": "Tito\'s Shot", "quantity": "1", "net_amount": 800}]}}'
    )
    read = await GenericReader().read(event("generic", body, venue_id=3))
    assert isinstance(read, Read) and read.venue_id == 3
    assert [doc.receipt_id for doc in read.documents] == ["R-1"]  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        await GenericReader().read(event("generic", b"not json"))
