"""The ports: what the rules need from the outside world, as protocols.

`storage` implements them with SQLAlchemy; tests implement them with fakes. Use cases take a
`UnitOfWorkFactory` and open one unit of work per use case, so concurrent requests share nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from engine.venue import NewVenue, Venue


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class VenueRepository(Protocol):
    async def add(self, venue: NewVenue) -> Venue:
        """Insert a venue; raises `Conflict` when the slug is taken."""
        ...

    async def get(self, slug: str) -> Venue:
        """The venue with this slug; raises `NotFound`."""
        ...

    async def list(self) -> Sequence[Venue]: ...

    async def webhook_secret(self, slug: str) -> str:
        """The venue's generic-webhook secret; raises `NotFound`."""
        ...


class AuditLog(Protocol):
    async def record(
        self,
        *,
        venue_id: int | None,
        actor: str,
        action: str,
        target: str,
        old: object,
        new: object,
        at: datetime,
    ) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    @property
    def venues(self) -> VenueRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
