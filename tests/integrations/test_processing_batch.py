"""`EventProcessor.process_many`: receipts of one venue book together; whatever the batch cannot
book goes one by one, as `process` would (no database: `book` and `book_many` are recorded)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from engine.errors import InvalidInput
from engine.inbox import EventId, StoredEvent
from engine.receipt import Receipt, Refund
from integrations.processing import EventProcessor, Outcome, Read
from integrations.provider import Skip
from tests.engine.usecases_world import T0, line, receipt, refund
from tests.integrations.test_processing import NOW, FakeInbox, event


def stored(n: int) -> StoredEvent:
    return dataclasses.replace(event(), id=EventId(n), dedupe_key=f"k{n}")


def sale(n: int) -> Receipt:
    return receipt(f"R{n}", T0, line("L1", "sq-titos", "Tito's Shot"))


def give_back(n: int) -> Refund:
    return refund(f"RF{n}", f"R{n}", T0, ("L1", "1", 800))


@dataclass
class Reads:
    answers: dict[int, Read | Skip | Exception]

    async def read(self, event: StoredEvent) -> Read | Skip:
        answer = self.answers[event.id]
        if isinstance(answer, Exception):
            raise answer
        return answer


@dataclass
class Books:
    """Records what was booked, one by one or together; `refuse` names receipts that fail."""

    refuse: set[str] = field(default_factory=set)
    lose: set[int] = field(default_factory=set)
    singly: list[int] = field(default_factory=list)
    together: list[list[int]] = field(default_factory=list)
    order: list[list[int]] = field(default_factory=list)

    async def book(self, event: StoredEvent, read: Read, owner: str, now: datetime) -> bool:
        self._check(read)
        self.singly.append(event.id)
        self.order.append([event.id])
        return event.id not in self.lose

    async def book_many(
        self, reads: Sequence[tuple[StoredEvent, Read]], owner: str, now: datetime
    ) -> set[EventId]:
        for _, read in reads:
            self._check(read)
        self.together.append([e.id for e, _ in reads])
        self.order.append([e.id for e, _ in reads])
        return {e.id for e, _ in reads if e.id not in self.lose}

    def _check(self, read: Read) -> None:
        for document in read.documents:
            if isinstance(document, Receipt) and document.receipt_id in self.refuse:
                raise InvalidInput(f"receipt {document.receipt_id} is in EUR, not USD")


def processor(
    answers: dict[int, Read | Skip | Exception], books: Books, inbox: FakeInbox | None = None
) -> EventProcessor:
    outcomes: list[tuple[str, Outcome]] = []
    return EventProcessor(
        inbox or FakeInbox(),  # type: ignore[arg-type]
        {"test": Reads(answers)},
        books.book,
        lambda: NOW,
        book_many=books.book_many,
        on_outcome=lambda provider, outcome: outcomes.append((provider, outcome)),
    )


async def test_receipts_book_together_by_venue_and_the_rest_one_by_one() -> None:
    books = Books()
    answers: dict[int, Read | Skip | Exception] = {
        1: Read(1, (sale(1),)),
        2: Read(2, (sale(2),)),
        3: Read(1, (sale(3),)),
        4: Read(1, (give_back(1),)),  # a refund may wait for its sale: alone
        5: Skip("payment is APPROVED"),
        6: Read(2, (sale(6),)),
        7: Read(1, (sale(7), sale(8))),
    }
    outcomes = await processor(answers, books).process_many([stored(n) for n in answers], "w")

    assert books.together == [[1, 3, 7], [2, 6]]
    assert books.singly == [4]
    assert outcomes == [Outcome.DONE] * 4 + [Outcome.SKIPPED] + [Outcome.DONE] * 2


async def test_a_refused_receipt_fails_alone_and_the_others_still_book() -> None:
    books = Books(refuse={"R2"})
    answers: dict[int, Read | Skip | Exception] = {n: Read(1, (sale(n),)) for n in (1, 2, 3)}
    inbox = FakeInbox()
    outcomes = await processor(answers, books, inbox).process_many(
        [stored(n) for n in answers], "w"
    )

    assert books.together == []  # the batch raised, so it wrote nothing
    assert books.singly == [1, 3]
    assert outcomes == [Outcome.DONE, Outcome.FAILED, Outcome.DONE]
    assert [name for name, _ in inbox.calls] == ["failed"]
    assert "EUR" in str(inbox.calls[0][1])


async def test_events_whose_lease_was_lost_are_reported_lost() -> None:
    books = Books(lose={2})
    answers: dict[int, Read | Skip | Exception] = {n: Read(1, (sale(n),)) for n in (1, 2)}
    outcomes = await processor(answers, books).process_many([stored(1), stored(2)], "w")
    assert outcomes == [Outcome.DONE, Outcome.LOST]


async def test_a_read_that_fails_leaves_the_rest_of_the_batch_alone() -> None:
    books = Books()
    answers: dict[int, Read | Skip | Exception] = {
        1: InvalidInput("no lines"),
        2: Read(1, (sale(2),)),
    }
    outcomes = await processor(answers, books).process_many([stored(1), stored(2)], "w")
    assert outcomes == [Outcome.FAILED, Outcome.DONE]
    assert books.singly == [2]  # a group of one books through `book`


async def test_a_refund_in_the_batch_books_after_the_receipts() -> None:
    books = Books()
    answers: dict[int, Read | Skip | Exception] = {
        1: Read(1, (give_back(2),)),  # delivered first, but its sale is in the same batch
        2: Read(1, (sale(2),)),
        3: Read(1, (sale(3),)),
    }
    await processor(answers, books).process_many([stored(n) for n in answers], "w")
    assert books.order == [[2, 3], [1]]
