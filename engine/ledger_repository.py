"""The ledger's port: what managers record on the shelf (counts, count sessions and the drafts of
count sheets, deliveries, waste) and a product's ledger entries. `engine.ports.UnitOfWork.ledger`;
`storage.ledger.SqlLedgerRepository` implements it.

Its own module so `engine.ports` stays readable; it is re-exported there.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from engine.catalog import ProductId
from engine.count_sheets import CountDraft
from engine.inventory import Count, LedgerEntry, Receiving, Waste
from engine.venue import VenueId


class LedgerRepository(Protocol):
    """Counts, receivings and waste typed by managers; a product's ledger entries."""

    async def add_count(self, venue_id: VenueId, count: Count, actor: str) -> None: ...

    async def add_receiving(self, venue_id: VenueId, receiving: Receiving, actor: str) -> None:
        """`receiving.containers` (milli) is required: storage keeps what was typed."""
        ...

    async def add_waste(self, venue_id: VenueId, waste: Waste, actor: str) -> None: ...

    async def add_count_session(
        self, venue_id: VenueId, counts: Sequence[Count], *, source: str, actor: str
    ) -> int:
        """One count session: a session row and its counts (all at one instant); its id."""
        ...

    async def count_draft(self, venue_id: VenueId, owner: str) -> CountDraft | None:
        """The half-filled count sheet `owner` keeps for the venue, if any."""
        ...

    async def save_count_draft(self, venue_id: VenueId, owner: str, draft: CountDraft) -> None:
        """Keep `draft` as `owner`'s count sheet for the venue (replacing the one kept)."""
        ...

    async def discard_count_draft(self, venue_id: VenueId, owner: str) -> bool:
        """Forget `owner`'s count sheet for the venue; False when there was none."""
        ...

    async def entries(
        self, venue_id: VenueId, product_id: ProductId, since: datetime | None = None
    ) -> Sequence[LedgerEntry]:
        """Counts, receivings, waste and depletions of a product at or after `since` (all when
        None), in time order."""
        ...
