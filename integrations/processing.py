"""Turning one stored event into bookings (architecture.md, "A receipt's walk").

`EventProcessor.process(event, owner)`:
1. the provider's `EventReader` reads the event: the venue and the receipts/refunds it stands for,
   or a `Skip`; a reader may fetch from the POS, and does so outside any database transaction;
2. the injected `book` callable books them and marks the event done in ONE transaction (the
   composition root wires `ingest_receipt_in`/`ingest_refund_in` + `mark_done_in`);
3. anything else ends in the inbox: `mark_skipped` with the reason, or `mark_failed`.

Waiting (webhooks.md promises 3 and 4: deliveries are unordered, nothing acknowledged is lost):
a refund may arrive before the sale it refunds. `book` then commits what it could book, leaves the
event pending and answers `Waiting("sale not recorded yet: ...")`; the event is retried with the
inbox's backoff (`mark_failed`, not final), and once the sale is booked a retry books the rest
(refund lines are idempotent per line key, so the lines booked by an earlier attempt are
skipped). After the retry budget it is `failed`, visible in `barback events --failed` and
replayable.

Failures, decided here (webhooks.md promise 4):
- `UpstreamUnavailable`, `NotConnected`, `NotFound` (say a product with no cost yet), and
  unexpected errors (a bug): retried with the inbox's backoff, `failed` after the last attempt;
- `InvalidInput` (`BadPayload` included: the same bytes fail the same way) and `UpstreamRejected`:
  `failed` at once, shown by `barback events --failed`, replayable after a fix.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from engine.errors import InvalidInput, NotFound
from engine.inbox import Inbox, StoredEvent
from integrations.errors import NotConnected, UpstreamRejected, UpstreamUnavailable
from integrations.generic.normalize import ReceiptClosed, parse
from integrations.provider import Booked, Skip

logger = logging.getLogger(__name__)


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
        on_outcome: Callable[[str, Outcome], None] | None = None,
    ) -> None:
        self._inbox = inbox
        self._readers = readers
        self._book = book
        self._now = now
        self._on_outcome = on_outcome

    async def process(self, event: StoredEvent, owner: str) -> Outcome:
        outcome = await self._process(event, owner)
        if self._on_outcome is not None:
            self._on_outcome(event.provider, outcome)
        return outcome

    async def _process(self, event: StoredEvent, owner: str) -> Outcome:
        context = {"provider": event.provider, "inbox_id": event.id, "event_id": event.dedupe_key}
        reader = self._readers.get(event.provider)
        try:
            if reader is None:
                raise UpstreamRejected(f"no reader for provider {event.provider!r}", status=0)
            read = await reader.read(event)
            if isinstance(read, Skip):
                skipped = await self._inbox.mark_skipped(event.id, owner, read.reason, self._now())
                logger.info("event skipped: %s", read.reason, extra=context)
                return Outcome.SKIPPED if skipped else Outcome.LOST
            done = await self._book(event, read, owner, self._now())
        except (InvalidInput, UpstreamRejected) as refused:
            return await self._fail(event, owner, _describe(refused), context, final=True)
        except (UpstreamUnavailable, NotConnected, NotFound) as error:
            return await self._fail(event, owner, _describe(error), context, final=False)
        except Exception as error:
            logger.exception("event processing broke", extra=context)
            return await self._fail(event, owner, _describe(error), context, final=False)
        if isinstance(done, Waiting):
            return await self._fail(event, owner, done.reason, context, final=False)
        logger.info("event booked", extra=context)
        return Outcome.DONE if done else Outcome.LOST

    async def _fail(
        self,
        event: StoredEvent,
        owner: str,
        reason: str,
        context: dict[str, object],
        *,
        final: bool,
    ) -> Outcome:
        state = await self._inbox.mark_failed(event.id, owner, reason, self._now(), final=final)
        logger.warning("event failed (%s): %s", state, reason, extra=context)
        if state is None:
            return Outcome.LOST
        return Outcome.FAILED if state.value == "failed" else Outcome.RETRY


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
