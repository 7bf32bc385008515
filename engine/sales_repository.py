"""The sales port: receipts, their lines and refunds as they book (`storage/sales.py` implements
it; `engine.ports.UnitOfWork.sales` hands it out)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from engine.depletion import Booking
from engine.line_books import ReceiptBooks, VersionClaim
from engine.refunds import RefundBooking
from engine.venue import VenueId


class SalesRepository(Protocol):
    """Receipts, sale lines, depletions, refunds, unmapped tallies and the daily rollups.

    Writes are idempotent in the schema: a source key is inserted with ON CONFLICT DO NOTHING,
    and what depends on a line (depletions, rollups, tallies) is written only when its insert
    won, in the same transaction. Two concurrent deliveries of one receipt book it once."""

    async def booked_keys(self, venue_id: VenueId, keys: Collection[str]) -> frozenset[str]:
        """Which of these line keys were processed before (booked, or tallied as unmapped)."""
        ...

    async def add_bookings(
        self,
        venue_id: VenueId,
        bookings: Sequence[Booking],
        booked_at: datetime,
        *,
        claims: Sequence[VersionClaim],
    ) -> frozenset[str]:
        """Write bookings: receipts' versions (`claims`, first: a receipt whose claim finds a
        newer or equal version written meanwhile writes nothing; an older one raises
        `Conflict`), lines, corrections, depletions, refunds of corrected lines, unmapped
        tallies, rollups, with a few multi-row statements for all of them. Returns the keys of
        the lines and corrections this call wrote. Raises `InvalidInput` when a daily rollup would
        pass `engine.bounds` (nothing is written then)."""
        ...

    async def receipt_books(
        self,
        venue_id: VenueId,
        receipts: Collection[tuple[str, str]],
        *,
        with_lines: Collection[tuple[str, str]] = (),
        lock: bool = False,
    ) -> Mapping[tuple[str, str], ReceiptBooks]:
        """The receipts (provider, receipt id) a version of which was booked, with the newest
        version booked; those in `with_lines` with their sale lines, corrections and refunds
        summed (`lock`: hold their rows until the transaction ends, on PostgreSQL)."""
        ...

    async def refunded_keys(self, venue_id: VenueId, keys: Collection[str]) -> frozenset[str]:
        """Which of these refund line keys were booked before."""
        ...

    async def add_refund(self, venue_id: VenueId, booking: RefundBooking) -> frozenset[str]:
        """Write refund lines (and restocks, rollups); returns the keys this call wrote. Raises
        `InvalidInput` when a daily rollup would pass `engine.bounds`."""
        ...
