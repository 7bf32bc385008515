"""Turning one stored event into bookings (architecture.md, "A receipt's walk").

`EventProcessor.process(event, owner)`:
1. the provider's `EventReader` reads the event: the venue and the receipts/refunds it stands for,
   or a `Skip`; a reader may fetch from the POS, and does so outside any database transaction;
2. the injected `book` callable books them and marks the event done in ONE transaction (the
   composition root wires `ingest_documents_in` + `mark_done_in`);
3. anything else ends in the inbox: `mark_skipped` with the reason, or `mark_failed`.

Waiting (webhooks.md promises 3 and 4: deliveries are unordered, nothing acknowledged is lost):
a refund may arrive before the sale it refunds. `book` then commits what it could book, leaves the
event pending and answers `Waiting("sale not recorded yet: ...")`; the event is retried with the
inbox's backoff (`mark_failed`, not final), and once the sale is booked a retry books the rest
(refund lines are idempotent per line key, so the lines booked by an earlier attempt are
skipped). After the retry budget it is `failed`, visible in `barback events --failed` and
replayable.

Batches: `process_many(events, owner)` reads the events (READ_CONCURRENCY at a time), then books
together the events of one venue that stand for receipts only, through `book_many`: one read of
the keys already booked and of the catalog, a few multi-row writes and one UPDATE marking them
done, where one event at a time cost ~15 statements each. Should that fail, the events are booked
one by one as `process` would, so one bad event fails alone. Refunds (which may wait for their
sale) take the one-by-one path, after the receipts, so a sale and its refund in one batch book in
that order.

Failures, decided here (webhooks.md promise 4):
- `UpstreamUnavailable`, `NotConnected`, `NotFound` (say a product with no cost yet), and
  unexpected errors (a bug): retried with the inbox's backoff, `failed` after the last attempt;
- `InvalidInput` (`BadPayload` included: the same bytes fail the same way; a value outside
  `engine.bounds` too) and `UpstreamRejected`: `failed` at once with the reason, shown by
  `barback events --failed`, replayable after a fix, and reported to the venue through
  `on_refused` (the composition root writes a REFUSED alert): it fails once, clearly;
- `Conflict` (the receipt changed under a concurrent booking): retried, quietly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from engine.errors import Conflict, InvalidInput, NotFound
from engine.inbox import EventId, Inbox, StoredEvent
from engine.receipt import Receipt
from integrations.errors import NotConnected, UpstreamRejected, UpstreamUnavailable
from integrations.generic.normalize import ReceiptClosed, parse
from integrations.provider import Booked, Skip

logger = logging.getLogger(__name__)

# Events of a batch read at once: a POS that takes its full timeout to answer holds up the
# batch for (batch / READ_CONCURRENCY) timeouts, well inside the events' lease.
READ_CONCURRENCY = 8


@dataclass(frozen=True, slots=True)
class Read:
    """What an event books, and where."""

    venue_id: int
    documents: Sequence[Booked]


class EventReader(Protocol):
    async def read(self, event: StoredEvent) -> Read | Skip:
        """Raises `UpstreamUnavailable`, `NotConnected`, `InvalidInput`, ..."""
        ...


@dataclass(frozen=True, slots=True)
class Waiting:
    """`book` booked what it could and left the event pending: part of it waits for something
    not recorded yet (a refund whose sale has not arrived)."""

    reason: str


BookFn = Callable[[StoredEvent, Read, str, datetime], Awaitable[bool | Waiting]]
BookManyFn = Callable[[Sequence[tuple[StoredEvent, Read]], str, datetime], Awaitable[set[EventId]]]
"""`book_many(reads, owner, now)`: book the receipts of these events (one venue, receipts only)
and mark them done, in one transaction; the ids of those marked done (the others' leases were
lost meanwhile). Raises when anything fails, and nothing is written then."""
RefusedFn = Callable[[StoredEvent, str], Awaitable[None]]
"""`on_refused(event, reason)`: tell the event's venue it was refused for good."""
"""`book(event, read, owner, now)`: book `read` and mark the event done in one transaction;
False when the lease was lost meanwhile (the booking is idempotent, so it stays); `Waiting` when
the event must be retried later (booked lines stay; the retry skips them)."""


class Outcome(StrEnum):
    DONE = "done"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"
    LOST = "lost"
    """Another worker holds the event now (our lease expired)."""


class GenericReader:
    """barback's own format: the venue is the one in the URL, stored with the event."""

    async def read(self, event: StoredEvent) -> Read | Skip:
        if event.venue_id is None:
            raise InvalidInput("a generic event must name its venue")
        parsed = parse(event.body)
        document = parsed.receipt if isinstance(parsed, ReceiptClosed) else parsed.refund
        return Read(event.venue_id, (document,))


class EventProcessor:
    def __init__(
        self,
        inbox: Inbox,
        readers: Mapping[str, EventReader],
        book: BookFn,
        now: Callable[[], datetime],
        *,
        book_many: BookManyFn | None = None,
        on_outcome: Callable[[str, Outcome], None] | None = None,
        on_refused: RefusedFn | None = None,
        unavailable: Callable[[BaseException], bool] | None = None,
    ) -> None:
        """`unavailable(error)`: whether an error means our database cannot be reached; such an
        error is not the event's failure (no attempt is counted) and is raised to the worker,
        which backs off; the events' leases run out and they are claimed again."""
        self._inbox = inbox
        self._readers = readers
        self._book = book
        self._book_many = book_many
        self._now = now
        self._on_outcome = on_outcome
        self._on_refused = on_refused
        self._unavailable = unavailable

    async def process(self, event: StoredEvent, owner: str) -> Outcome:
        read = await self._read(event, owner)
        outcome = read if isinstance(read, Outcome) else await self._book_one(event, read, owner)
        self._count(event, outcome)
        return outcome

    async def process_many(self, events: Sequence[StoredEvent], owner: str) -> list[Outcome]:
        """Process claimed events, booking receipts of one venue together; outcomes in order."""
        outcomes: dict[EventId, Outcome] = {}
        together: dict[int, list[tuple[StoredEvent, Read]]] = {}
        alone: list[tuple[StoredEvent, Read]] = []
        reading = asyncio.Semaphore(READ_CONCURRENCY)

        async def read(event: StoredEvent) -> Read | Outcome:
            async with reading:
                # Reading a generic event is CPU work on the event loop: let the webhooks
                # waiting on it in between.
                await asyncio.sleep(0)
                return await self._read(event, owner)

        for event, found in zip(events, await asyncio.gather(*map(read, events)), strict=True):
            if isinstance(found, Outcome):
                outcomes[event.id] = found
            elif self._book_many is not None and found.documents and _receipts_only(found):
                together.setdefault(found.venue_id, []).append((event, found))
            else:
                alone.append((event, found))
        for group in together.values():
            outcomes.update(await self._book_group(group, owner))
        for event, found in alone:  # after the receipts: a refund in the batch finds its sale
            outcomes[event.id] = await self._book_one(event, found, owner)
        for event in events:
            self._count(event, outcomes[event.id])
        return [outcomes[event.id] for event in events]

    async def _book_group(
        self, group: Sequence[tuple[StoredEvent, Read]], owner: str
    ) -> dict[EventId, Outcome]:
        assert self._book_many is not None
        if len(group) > 1:
            try:
                done = await self._book_many(group, owner, self._now())
            except Exception as error:
                # One event the rules refuse (or a bug) fails the batch: each books alone, so the
                # others still book and the culprit gets its own error and retries.
                logger.info("batch of %d events failed (%s); one by one", len(group), error)
            else:
                for event, _ in group:
                    logger.info("event booked", extra=_context(event))
                return {e.id: Outcome.DONE if e.id in done else Outcome.LOST for e, _ in group}
        return {event.id: await self._book_one(event, read, owner) for event, read in group}

    async def _read(self, event: StoredEvent, owner: str) -> Read | Outcome:
        """What the event books, or how it ended (skipped, failed, retried, lost)."""
        reader = self._readers.get(event.provider)
        try:
            if reader is None:
                raise UpstreamRejected(f"no reader for provider {event.provider!r}", status=0)
            read = await reader.read(event)
        except Exception as error:
            return await self._failure(event, owner, error)
        if isinstance(read, Skip):
            skipped = await self._inbox.mark_skipped(event.id, owner, read.reason, self._now())
            logger.info("event skipped: %s", read.reason, extra=_context(event))
            return Outcome.SKIPPED if skipped else Outcome.LOST
        return read

    async def _book_one(self, event: StoredEvent, read: Read, owner: str) -> Outcome:
        try:
            done = await self._book(event, read, owner, self._now())
        except Exception as error:
            return await self._failure(event, owner, error)
        if isinstance(done, Waiting):
            return await self._fail(event, owner, done.reason, final=False)
        logger.info("event booked", extra=_context(event))
        return Outcome.DONE if done else Outcome.LOST

    async def _failure(self, event: StoredEvent, owner: str, error: Exception) -> Outcome:
        if self._unavailable is not None and self._unavailable(error):
            raise error
        if isinstance(error, InvalidInput | UpstreamRejected):
            reason = f"refused: {error}"  # written for people: no exception class name
            outcome = await self._fail(event, owner, reason, final=True)
            if outcome is Outcome.FAILED:
                await self._refused(event, str(error))
            return outcome
        if not isinstance(error, UpstreamUnavailable | NotConnected | NotFound | Conflict):
            logger.error("event processing broke", exc_info=error, extra=_context(event))
        return await self._fail(event, owner, _describe(error), final=False)

    async def _refused(self, event: StoredEvent, reason: str) -> None:
        if self._on_refused is None or event.venue_id is None:
            return
        try:
            await self._on_refused(event, reason)
        except Exception as error:  # the event is failed and listed; the alert is a courtesy
            logger.warning("refusal alert not written: %s", error, extra=_context(event))

    async def _fail(self, event: StoredEvent, owner: str, reason: str, *, final: bool) -> Outcome:
        state = await self._inbox.mark_failed(event.id, owner, reason, self._now(), final=final)
        logger.warning("event failed (%s): %s", state, reason, extra=_context(event))
        if state is None:
            return Outcome.LOST
        return Outcome.FAILED if state.value == "failed" else Outcome.RETRY

    def _count(self, event: StoredEvent, outcome: Outcome) -> None:
        if self._on_outcome is not None:
            self._on_outcome(event.provider, outcome)


def _context(event: StoredEvent) -> dict[str, object]:
    return {"provider": event.provider, "inbox_id": event.id, "event_id": event.dedupe_key}


def _receipts_only(read: Read) -> bool:
    return all(isinstance(document, Receipt) for document in read.documents)


def _describe(error: BaseException) -> str:
    """The reason `barback events` shows: our errors' own words (written for people); for
    anything else the driver's or library's message, without a class name, a statement or its
    parameters (the log has the traceback under the event's id)."""
    if isinstance(error, InvalidInput | NotFound | UpstreamUnavailable | NotConnected):
        return str(error)
    if isinstance(error, UpstreamRejected):
        return str(error)
    cause: BaseException = getattr(error, "orig", None) or error
    # asyncpg's error, wrapped by SQLAlchemy's adapter whose text starts with the class path.
    if cause.__cause__ is not None and "<class '" in str(cause):
        cause = cause.__cause__
    lines = str(cause).strip().splitlines()
    return "unexpected error" + (f": {lines[0]}" if lines else " (see the log)")
