"""What a POS module of the kit provides (`tests/conformance/pos_<name>.py`, see README.md).

A module defines `Adapter`, a class taking no arguments that implements `PosAdapter`. The kit
finds every `pos_*.py` beside this file and runs each case for each adapter (on SQLite and
PostgreSQL); a case that needs a feature runs only for the adapters that list it.

An adapter speaks for its POS: it starts the POS's fake on 127.0.0.1 (the real wire format:
signatures, envelopes, order objects, token endpoints, pagination, 429s), tells barback how to
reach it (`env`), binds the kit's venue the way a manager would (`connect`), and renders the
neutral night (`night.py`) as the POS would deliver it. The kit posts the deliveries itself, so
it can duplicate, reorder, race, forge and inflate them; everything else is the adapter's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from tests.conformance.night import Item, Modifier, Order, Refund

if TYPE_CHECKING:
    from tests.conformance.bar import Bar

Feature = Literal["fetch", "reconcile", "signed_time"]
"""- `fetch`: booking a webhook reads the POS API (Square sends ids only), so an API outage
  delays the webhook's booking: the kit checks it is retried, then booked.
- `reconcile`: barback polls the POS API for orders the webhooks missed: `hold`, `outage`,
  `rate_limit` and `reconcile` work.
- `signed_time`: the signature covers a time, so a delivery signed long ago is refused (`stale`).
"""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One HTTP request the POS makes to barback, byte for byte."""

    path: str
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)


class PosAdapter(Protocol):
    name: str
    """The provider as barback names it (source keys, `/metrics`, `barback events`)."""
    features: frozenset[Feature]
    unknown_account: int
    """What a delivery from a POS account bound to no venue gets (webhooks.md): 404 when the
    account is in the URL (generic: the venue), else 200, stored, and skipped with the reason."""

    async def start(self) -> None:
        """Start the POS's fake, if it has one (on 127.0.0.1, a free port)."""
        ...

    async def stop(self) -> None: ...

    def env(self) -> dict[str, str]:
        """The settings barback runs with for this POS (`BARBACK_SECRET_KEY` is the kit's)."""
        ...

    def item_key(self, item: Item) -> str:
        """The id this POS's receipts give the item (what `map` binds to)."""
        ...

    def modifier_key(self, modifier: Modifier) -> str: ...

    async def connect(self, bar: Bar) -> None:
        """Bind the bar's venue to the POS account as a manager would (the OAuth consent,
        `connect toast <guid>`, ...). After it, the POS's deliveries reach the venue."""
        ...

    def sale(self, order: Order) -> list[Delivery]:
        """The POS closes `order`: its API serves it from now on, and these are the webhooks it
        sends (at least one; posting any of them, any number of times, books the order once)."""
        ...

    def refund(self, refund: Refund) -> list[Delivery]:
        """The POS refunds: its API serves the refund, and these are its webhooks."""
        ...

    def versions(self, order: Order) -> list[Delivery]:
        """The webhooks of the order's life as the POS sends them, oldest first (at least two:
        earlier states, e.g. an open check, then the closed order)."""
        ...

    def foreign(self, order: Order) -> Delivery:
        """`order`'s webhook from a POS account (merchant, restaurant) bound to no venue."""
        ...

    def forge(self, delivery: Delivery) -> Delivery:
        """The same delivery signed with a secret that is not barback's."""
        ...

    def stale(self, order: Order) -> Delivery:
        """(`signed_time`) `order`'s webhook, signed long before the POS's tolerance."""
        ...

    def hold(self, order: Order) -> None:
        """(`reconcile`) The POS has closed `order` but its webhook never arrives."""
        ...

    def outage(self, calls: int) -> None:
        """(`fetch`, `reconcile`) The POS API answers 503 to the next `calls` requests."""
        ...

    def rate_limit(self, calls: int, retry_after: int) -> None:
        """(`reconcile`) The POS API answers 429 with `Retry-After` to the next `calls`."""
        ...

    async def reconcile(self, bar: Bar) -> None:
        """(`reconcile`) Run barback's reconciliation once, as the worker's job does."""
        ...
