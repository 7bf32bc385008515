"""Alerts: what is worth telling a venue's alert channel, decided purely, and the ports that carry
it there (the outbox, written in the booking's transaction; read by the Slack dispatcher).

Three kinds, each written as an outbox row in the same transaction as the change that caused it,
so an alert exists if and only if its booking or count committed (architecture.md, "A receipt's
walk"); sending is the dispatcher's business, retried from the database across Slack outages.

Decisions where the rules are silent:
- LOW STOCK fires when a change takes a product from above its reorder point (`forecast.is_low`
  false) to at or below it, and the product is *armed*. Firing disarms it; any later change that
  leaves it above the reorder point re-arms it (a count or a delivery, typically), and that lift is
  posted as a follow-up in the alert's thread. A product that was never above (never counted,
  on-hand 0) does not fire: it has not crossed anything. A sale that takes an already-low product
  lower fires nothing.
- The arming row is the concurrency guard: two bookings that both saw Tito's above the line in
  their own snapshots race to disarm it, and only the one whose update found it armed alerts.
- Products crossing in one change go in one message.
- VARIANCE after a count: the product's variance between its last two counts, when |variance %|
  reaches the venue's threshold and (when a minimum is set) |variance cost| reaches the minimum.
  Absolute values: a large negative variance (more left than expected: an unrecorded delivery, a
  miscount) is as much a problem for the numbers as a positive one. With nothing expected (% is
  n/a), any non-zero variance counts as over the percentage.
- UNMAPPED: a POS item or modifier alerts once, the first time a booking tallies it with its
  `alerted_at` still empty; rows wait `UNMAPPED_BATCH` so the items of a busy minute go together,
  and the dispatcher sends a venue's waiting rows as one message.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import Protocol

from engine.catalog import Product, ProductId, ServingSize, name_key
from engine.forecast import is_low
from engine.inbox import RetryPolicy
from engine.inventory import Variance
from engine.money import Cost, Money
from engine.quantity import Quantity
from engine.units import Dimension
from engine.venue import VenueId

UNMAPPED_BATCH = timedelta(seconds=20)
"""How long a newly seen POS item waits for others seen soon after it, to share one message."""

OUTBOX_RETRY = RetryPolicy(
    first_delay=timedelta(seconds=5),
    factor=2,
    max_delay=timedelta(minutes=10),
    max_attempts=45,
)
"""Slack outages: 5 s, 10 s, ... then every 10 minutes, for about seven hours; an alert older
than a working day is no longer news, so it is then marked failed (still visible in the table)."""

MAX_DEDUPE_KEY = 255


class AlertKind(StrEnum):
    LOW_STOCK = "low_stock"
    RESTOCKED = "restocked"
    """A follow-up in a LOW STOCK alert's thread: the product is back above its reorder point."""
    VARIANCE = "variance"
    UNMAPPED = "unmapped"
    ADOPTED = "adopted"
    """A POS item (modifier) took a mapping (rule) made by name before it was ever seen."""
    REFUSED = "refused"
    """Data barback refused for good: an event that cannot book, a refund beyond its sale."""
    DISCONNECTED = "disconnected"
    """A POS connection was revoked (by the POS) or disconnected (by a manager)."""


class OutboxState(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


Json = dict[str, object]


# --- low stock --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Level:
    """A product's on-hand just before and just after one change."""

    product: Product
    before: Quantity
    after: Quantity

    @property
    def was_low(self) -> bool:
        return is_low(self.before, self.product.container_size, self.product.reorder_at)

    @property
    def is_low(self) -> bool:
        return is_low(self.after, self.product.container_size, self.product.reorder_at)


@dataclass(frozen=True, slots=True)
class ArmState:
    """A product's alert state: `low_since` None means armed; `alert_id` the LOW STOCK outbox row
    that reported the product (its thread takes the follow-ups)."""

    product_id: ProductId
    low_since: datetime | None
    alert_id: int | None = None

    @property
    def armed(self) -> bool:
        return self.low_since is None


@dataclass(frozen=True, slots=True)
class StockDecision:
    crossed: tuple[Level, ...]
    """Products that crossed their reorder point downwards while armed: to alert (if the guard
    still finds them armed in the transaction)."""
    lifted: tuple[tuple[Level, ArmState], ...]
    """Disarmed products now above their reorder point: to re-arm, with a follow-up."""


def decide_stock(levels: Sequence[Level], states: Mapping[ProductId, ArmState]) -> StockDecision:
    """Crossings and re-armings for one change (see the module's decisions)."""
    crossed: list[Level] = []
    lifted: list[tuple[Level, ArmState]] = []
    for level in levels:
        state = states.get(level.product.id)
        armed = state is None or state.armed
        if level.is_low:
            if armed and not level.was_low:
                crossed.append(level)
        elif state is not None and not state.armed:
            lifted.append((level, state))
    return StockDecision(tuple(crossed), tuple(lifted))


# --- variance ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VarianceThresholds:
    pct: int | None
    """Milli-percent (12.5% = 12,500); None: variance alerts are off."""
    minimum: Money | None = None


def variance_over(variance: Variance, thresholds: VarianceThresholds) -> bool:
    """Whether a count's variance is worth an alert (see the module's decisions)."""
    if thresholds.pct is None or variance.variance.milli == 0:
        return False
    pct = variance.pct
    if pct is not None and abs(pct) < Fraction(thresholds.pct, 1000):
        return False
    if thresholds.minimum is not None:
        minimum = Cost.of(Fraction(thresholds.minimum.minor), thresholds.minimum.currency)
        if abs(variance.cost.micro) < minimum.micro:
            return False
    return True


# --- a best guess for mapping an unmapped POS item ----------------------------------------------


@dataclass(frozen=True, slots=True)
class RecipeGuess:
    """A pre-filled ingredient: a product's name and a quantity as typed (`shot`, `1 each`)."""

    product: str
    quantity: str


_WORD = re.compile(r"[a-z0-9]+")
MATCH_CUTOFF = 0.8


def _words(text: str) -> list[str]:
    return _WORD.findall(name_key(text).replace("'", ""))


@lru_cache(maxsize=65_536)
def _similar(a: str, b: str) -> bool:
    # Cached: a booking that sees 60 new items at a 200-product venue asks about the same few
    # thousand word pairs millions of times (40 s in difflib uncached, inside the transaction).
    if a == b or (len(a) >= 3 and len(b) >= 3 and (a.startswith(b) or b.startswith(a))):
        return True
    matcher = difflib.SequenceMatcher(None, a, b)
    return matcher.real_quick_ratio() >= MATCH_CUTOFF and matcher.ratio() >= MATCH_CUTOFF


def guess_recipe(
    pos_item: str, products: Sequence[Product], servings: Sequence[ServingSize]
) -> tuple[RecipeGuess, ...]:
    """The products a POS item's name most likely pours, best first, with a serving.

    Each product scores the share of its name's words found (closely) in the item's name; the best
    is taken, then others that match words the chosen ones did not (`Vodka Soda` -> Tito's Vodka
    and Soda Water). The quantity is a serving named in the item (`Tito's Shot` -> shot), else the
    venue's first serving of the product's kind, else `1 each` for counted goods; else empty.
    """
    item_words = _words(pos_item)
    serving_names = {name_key(s.name): s for s in servings}
    named = [w for w in item_words if w in serving_names]
    wanted = [w for w in item_words if w not in serving_names]
    scored: list[tuple[Fraction, str, Product, frozenset[str]]] = []
    for product in products:
        words = _words(product.name)
        if not words:
            continue
        hits = frozenset(w for w in wanted if any(_similar(w, p) for p in words))
        matched = sum(1 for p in words if any(_similar(w, p) for w in wanted))
        if hits:
            scored.append((Fraction(matched, len(words)), product.name.casefold(), product, hits))
    scored.sort(key=lambda s: (-s[0], s[1]))
    chosen: list[Product] = []
    covered: set[str] = set()
    for _score, _name, product, hits in scored:
        if len(chosen) == 3:
            break
        if not hits <= covered:
            chosen.append(product)
            covered |= hits
    return tuple(RecipeGuess(p.name, _serving_for(p, named, serving_names)) for p in chosen)


def _serving_for(
    product: Product, named: Sequence[str], servings: Mapping[str, ServingSize]
) -> str:
    fitting = [s for s in servings.values() if s.quantity.dimension is product.dimension]
    for word in named:
        serving = servings[word]
        if serving.quantity.dimension is product.dimension:
            return serving.name
    if fitting:
        return sorted(fitting, key=lambda s: s.valid_from)[0].name
    return "1 each" if product.dimension is Dimension.COUNT else ""


# --- the outbox ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NewAlert:
    """An outbox row as a use case writes it. `payload` is plain JSON data, formatted for people
    already (the dispatcher renders it without the database)."""

    venue_id: VenueId
    kind: AlertKind
    dedupe_key: str
    payload: Json
    due_at: datetime

    def __post_init__(self) -> None:
        if not 0 < len(self.dedupe_key) <= MAX_DEDUPE_KEY:
            raise ValueError(f"dedupe key of {len(self.dedupe_key)} characters")


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """A claimed outbox row."""

    id: int
    venue_id: VenueId
    kind: AlertKind
    dedupe_key: str
    payload: Json
    created_at: datetime
    attempts: int
    state: OutboxState = OutboxState.PENDING
    slack_ts: str | None = None
    last_error: str | None = None
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sighting:
    """A newly seen unmapped POS item or modifier, claimed for an alert by the booking."""

    kind: str
    """item | modifier"""
    provider: str
    external_id: str
    name: str
    seen: int


@dataclass(frozen=True, slots=True)
class DataQuality:
    """The daily summary's data-quality line."""

    unmapped_lines: int
    """Sale lines of the day whose POS item had no mapping (not recorded as sales)."""
    events_failed: int
    events_pending: int
    last_count_at: datetime | None


class AlertRepository(Protocol):
    """The alert side of a unit of work: arming states and outbox rows, in its transaction."""

    async def states(
        self, venue_id: VenueId, product_ids: Sequence[ProductId]
    ) -> Mapping[ProductId, ArmState]: ...

    async def disarm(self, venue_id: VenueId, product_id: ProductId, at: datetime) -> int | None:
        """Disarm the product if armed; its crossing number (1, 2, ...) if this call disarmed it,
        None when it was disarmed already (a concurrent booking alerted first)."""
        ...

    async def set_alert(
        self, venue_id: VenueId, product_ids: Sequence[ProductId], alert_id: int
    ) -> None:
        """Remember which outbox row reported these products (their follow-ups' thread)."""
        ...

    async def rearm(self, venue_id: VenueId, product_id: ProductId) -> bool:
        """Arm the product; False when it was armed already."""
        ...

    async def add(self, alert: NewAlert, now: datetime) -> int | None:
        """Insert the outbox row; its id, or None when (kind, dedupe key) exists already."""
        ...

    async def claim_sightings(
        self, venue_id: VenueId, keys: Sequence[tuple[str, str, str]], now: datetime
    ) -> Sequence[Sighting]:
        """Mark these tallies (kind, provider, external id) alerted now, where not yet; the ones
        this call marked."""
        ...

    async def data_quality(
        self, venue_id: VenueId, window: tuple[datetime, datetime]
    ) -> DataQuality: ...


class Outbox(Protocol):
    """The dispatcher's view of the outbox: leased claims, as the inbox's (each call is its own
    short transaction). Changes name the lease `owner` and do nothing once another dispatcher
    took the row over after the lease expired."""

    async def claim(
        self, limit: int, owner: str, lease_seconds: float, now: datetime
    ) -> list[OutboxMessage]:
        """Lease up to `limit` due rows, oldest first, plus every other waiting UNMAPPED row of
        the venues of those claimed (they go out in one message)."""
        ...

    async def mark_sent(
        self, message_id: int, owner: str, slack_ts: str, now: datetime
    ) -> bool: ...

    async def mark_failed(
        self,
        message_id: int,
        owner: str,
        error: str,
        now: datetime,
        *,
        not_before: datetime | None = None,
        final: bool = False,
    ) -> OutboxState | None:
        """Count a failure: pending again after the backoff (or `not_before`, Slack's Retry-After,
        if later), failed after the last attempt or at once when `final`."""
        ...

    async def defer(self, message_id: int, owner: str, until: datetime) -> bool:
        """Put the row back until `until` without counting an attempt (its parent is not sent)."""
        ...

    async def get(self, message_id: int) -> OutboxMessage | None: ...


@dataclass(frozen=True, slots=True)
class Delivered:
    """What one dispatch did (for logs and tests)."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    deferred: list[int] = field(default_factory=list)
