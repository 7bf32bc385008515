"""POS connections: a venue's OAuth grant on a POS account, where its poller left off, and whether
it still holds (a POS may revoke it; a manager may `disconnect` it).

A connection binds one POS account (`merchant_id`, with its `location_ids`) to one venue; webhooks
and polled orders of that account book into that venue. Tokens never show in a `repr`; storage
keeps them encrypted. Pure: the value and the repository port.

`PosOffer` is what `connect` knows of each POS on this barback: whether it is configured (and if
not, which settings it lacks), and, for a POS whose accounts are bound by id rather than through
a consent page (Toast: `connect toast <restaurant guid>`), the `AccountBinder` that binds one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from engine.venue import Venue, VenueId


@dataclass(frozen=True, slots=True)
class PosConnection:
    venue_id: int
    provider: str
    merchant_id: str
    location_ids: tuple[str, ...]
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: datetime | None
    cursor: str | None = None
    """The reconciliation poller's position (an ISO 8601 instant for Square); None: never ran."""
    revoked_at: datetime | None = None
    """When the POS revoked barback's access or a manager disconnected it: nothing is read from
    the account any more and its tokens are forgotten, until a new consent (`connect`)."""

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ConnectionRepository(Protocol):
    """Each method is its own short transaction."""

    async def save(self, connection: PosConnection, now: datetime) -> None:
        """Insert, or replace the tokens, venue and locations of (provider, merchant)."""
        ...

    async def get(self, provider: str, merchant_id: str) -> PosConnection | None: ...

    async def all(self, provider: str) -> Sequence[PosConnection]: ...

    async def set_tokens(
        self,
        provider: str,
        merchant_id: str,
        access_token: str,
        refresh_token: str | None,
        expires_at: datetime | None,
        now: datetime,
    ) -> None: ...

    async def set_cursor(
        self, provider: str, merchant_id: str, cursor: str, now: datetime
    ) -> None: ...

    async def remove(self, provider: str, merchant_id: str) -> int | None:
        """Unbind the account (the POS took barback's access back); the venue it was bound to,
        or None when it was not bound."""
        ...


class VenueConnections(Protocol):
    """A unit of work's view of the POS connections, in its transaction (revocation writes the
    connection, the alert and the audit entry together)."""

    async def venue_of(self, provider: str, merchant_id: str) -> VenueId | None:
        """The venue the account is connected to (revoked or not); None: not connected."""
        ...

    async def revoke(
        self, venue_id: VenueId, provider: str, now: datetime, *, merchant_id: str | None = None
    ) -> Sequence[str]:
        """Mark the venue's active connections to `provider` revoked (only `merchant_id`'s when
        given) and forget their tokens; the accounts this call revoked, none when already so."""
        ...


class OAuthStateRepository(Protocol):
    async def add(self, nonce: str, provider: str, venue_id: int, now: datetime) -> None: ...

    async def use(self, nonce: str, provider: str, now: datetime) -> int | None:
        """Mark the state used and return its venue id; None when unknown or already used."""
        ...


@dataclass(frozen=True, slots=True)
class BoundAccount:
    """What `AccountBinder.bind` bound: the account, as the POS names it."""

    provider: str
    account: str
    name: str
    already: bool = False
    """It was bound to this venue before (nothing changed)."""


class AccountBinder(Protocol):
    async def bind(self, venue: Venue, account: str, now: datetime) -> BoundAccount:
        """Bind the POS account to the venue once the POS confirms barback may read it. Raises
        `InvalidInput` (not an account id), `NotAllowed` (the POS has not given barback access),
        `Conflict` (bound to another venue), `Unavailable` (the POS did not answer)."""
        ...


@dataclass(frozen=True, slots=True)
class PosOffer:
    provider: str
    label: str
    """How people write it: `Toast`."""
    missing: tuple[str, ...] = ()
    """The settings still unset; empty when the POS is configured."""
    binder: AccountBinder | None = None
    """Binds an account named after `connect <pos>`; None: `connect` answers a consent link."""
    account: str = "account"
    """What to type after `connect <pos>` (`restaurant GUID`)."""
    account_kind: str = "account"
    """What the account is (`restaurant`), as the change's answer names it."""

    @property
    def configured(self) -> bool:
        return not self.missing
