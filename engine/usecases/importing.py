"""Import: many receipts and refunds in batches of transactions (`barback import`'s use case).

A document the rules refuse is listed in `IngestSummary.failed` and the rest of its batch still
books (the batch is retried one by one); idempotent like `ingest_receipt`, so an import can be
re-run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from engine.depletion import UnmappedKind
from engine.errors import EngineError, InvalidInput
from engine.ports import Clock, UnitOfWorkFactory
from engine.receipt import Receipt, Refund
from engine.usecases.common import VenueRef, load_venue
from engine.usecases.ingest import IngestResult, RefundResult, ingest_documents_in
from engine.venue import Venue


@dataclass(frozen=True, slots=True)
class IngestFailure:
    provider: str
    receipt_id: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What `ingest_many` did: counts of receipts, refunds and lines, and what it refused."""

    receipts: int
    refunds: int
    booked_lines: int
    skipped_lines: int
    unmapped_lines: int
    failed: tuple[IngestFailure, ...]


async def ingest_many(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    documents: Iterable[Receipt | Refund],
    *,
    batch_size: int = 200,
) -> IngestSummary:
    """Import: receipts and refunds in transactions of up to `batch_size`. A document the rules
    refuse is listed in `failed` and the rest of its batch still books (the batch is retried one
    by one); idempotent like `ingest_receipt`, so an import can be re-run."""
    if batch_size < 1:
        raise InvalidInput("a batch holds at least one document")
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
    tally = _Tally()
    batch: list[Receipt | Refund] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= batch_size:
            await _import_batch(uow_factory, clock, place, batch, tally)
            batch = []
    if batch:
        await _import_batch(uow_factory, clock, place, batch, tally)
    return tally.summary()


@dataclass
class _Tally:
    receipts: int = 0
    refunds: int = 0
    booked: int = 0
    skipped: int = 0
    unmapped: int = 0
    failed: list[IngestFailure] = field(default_factory=list)

    def add(self, result: IngestResult | RefundResult) -> None:
        if isinstance(result, IngestResult):
            self.receipts += 1
            self.unmapped += sum(1 for u in result.unmapped if u.kind is UnmappedKind.ITEM)
        else:
            self.refunds += 1
        self.booked += len(result.booked)
        self.skipped += len(result.skipped)

    def summary(self) -> IngestSummary:
        return IngestSummary(
            self.receipts,
            self.refunds,
            self.booked,
            self.skipped,
            self.unmapped,
            tuple(self.failed),
        )


async def _import_batch(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: Venue,
    batch: list[Receipt | Refund],
    tally: _Tally,
) -> None:
    try:
        async with uow_factory() as uow:
            results = await ingest_documents_in(uow, venue, batch, now=clock.now())
            await uow.commit()
    except EngineError:
        for document in batch:  # one by one: the sound ones book, the refused are listed
            try:
                async with uow_factory() as uow:
                    (result,) = await ingest_documents_in(uow, venue, [document], now=clock.now())
                    await uow.commit()
            except EngineError as error:
                ident = document.receipt_id if isinstance(document, Receipt) else document.refund_id
                tally.failed.append(IngestFailure(document.provider, ident, error.code, str(error)))
            else:
                tally.add(result)
        return
    for result in results:
        tally.add(result)
