"""The `Provider` protocol every POS package implements (architecture.md, "integrations/").

A webhook walks through it in three steps:

1. `verify(delivery)` over the raw bytes, before anything is parsed; raises `SignatureInvalid`.
2. `envelope(delivery) -> RawEvent`: the dedupe key, the POS account and the event kind, read
   from the verified body; raises `BadPayload`. The route stores the `RawEvent` and answers 2xx.
3. `receipts(event)`, later, in the worker: the engine's `Receipt`s and `Refund`s the event
   stands for (fetching the order when the POS sent only ids), or a `Skip` saying why there is
   nothing to book. Raises `UpstreamUnavailable` (retry), `NotConnected`, `BadPayload`.

Credentials live in storage, which integrations may not import: a provider that fetches is given
a `TokenSource` by the composition root. Imports `engine` only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from engine.menu import Menu
from engine.receipt import Receipt, Refund

Booked = Receipt | Refund | Menu
"""What a POS event turns into: a sale to deplete, a refund of one, or the POS's menu (its
catalog, read when it changed)."""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One webhook request as received: the raw body, byte for byte, and its headers."""

    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """A header's value, its name matched case-insensitively (HTTP/2 lower-cases them)."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None


@dataclass(frozen=True, slots=True)
class RawEvent:
    """A verified event as the inbox stores it (data-model.md, `webhook_events`)."""

    provider: str
    dedupe_key: str
    """Unique per provider: the inbox drops a second event with the same key."""
    kind: str
    """The POS's event type, as it names it (`payment.updated`)."""
    account: str | None
    """The POS account (Square merchant id) the event belongs to: how a venue is found."""
    location: str | None
    """The POS location within the account, when the event names one."""
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    """The delivery headers worth keeping (retry number, first delivery time); never secrets."""


@dataclass(frozen=True, slots=True)
class Skip:
    """Nothing to book, and why (`payment is APPROVED, not COMPLETED`): the event is done."""

    reason: str


class TokenSource(Protocol):
    async def access_token(self, provider: str, account: str) -> str:
        """The current access token for a POS account; raises `NotConnected` when there is none."""
        ...


class Provider(Protocol):
    @property
    def name(self) -> str:
        """The provider's name in `source_key`s and routes: `square`."""
        ...

    def verify(self, delivery: Delivery) -> None:
        """Return quietly for an authentic delivery; raise `SignatureInvalid` otherwise."""
        ...

    def envelope(self, delivery: Delivery) -> RawEvent:
        """The event a verified delivery carries; raises `BadPayload`."""
        ...

    async def receipts(self, event: RawEvent) -> Sequence[Booked] | Skip:
        """What a stored event books; raises `UpstreamUnavailable`, `NotConnected`, `BadPayload`."""
        ...
