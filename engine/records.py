"""What the repositories keep beside the catalog's own values: POS things, sightings, settings,
audit entries, and a product as it is about to be added.

Plain frozen dataclasses; `storage` maps rows to them with explicit functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from engine.money import Money
from engine.quantity import Quantity
from engine.units import Dimension

GENERIC_PROVIDER = "generic"
"""The provider of POS items a manager maps before any receipt named them (barback's own format)."""


class PosKind(StrEnum):
    """POS items (what is sold) and POS modifiers (what changes a line)."""

    ITEM = "item"
    MODIFIER = "modifier"


@dataclass(frozen=True, slots=True)
class PosThing:
    """A POS item or modifier as storage knows it: `id` is our row, `external_id` the POS's key."""

    id: int
    kind: PosKind
    provider: str
    external_id: str
    name: str
    by_name: bool = False
    """A placeholder: mapped by a name no POS had sent yet (`engine.identity`)."""
    since: datetime | None = None
    """When it was first known (for a placeholder: when it was typed)."""


@dataclass(frozen=True, slots=True)
class Sighting:
    """A POS item or modifier seen with no mapping or rule: the unmapped tally (never a price)."""

    kind: PosKind
    provider: str
    external_id: str
    name: str
    seen: int
    first_seen: datetime
    last_seen: datetime
    category: str | None = None
    """Its category (or modifier group) on the POS's menu, when a menu was recorded."""


@dataclass(frozen=True, slots=True)
class NewProduct:
    """A product as typed, validated, before it has an id."""

    name: str
    dimension: Dimension
    container_size: Quantity
    cost_per_container: Money
    par: int
    """Milli-containers."""
    reorder_at: int
    """Milli-containers."""
    category: str | None
    created_at: datetime
    vendor: str | None = None


@dataclass(frozen=True, slots=True)
class VenueSettings:
    """Where and when alerts and summaries go. `variance_alert_pct` is milli-percent (12.5% =
    12,500); `summary_time` is venue-local."""

    alert_channel: str | None = None
    low_stock_alerts: bool = True
    variance_alert_pct: int | None = None
    variance_alert_min: Money | None = None
    summary_time: time | None = None
    summary_channel: str | None = None


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change as the audit log keeps it; `old`/`new` are plain JSON data."""

    at: datetime
    actor: str
    action: str
    target: str
    old: object
    new: object
