"""The port for POS items and modifiers as receipts and menus make them known (issue 9)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from engine.identity import Adoption, Arrival
from engine.menu import Menu
from engine.records import PosKind, PosThing
from engine.venue import VenueId


class PosRepository(Protocol):
    """POS items and modifiers as arrivals make them known (storage/pos_things.py)."""

    async def placeholders(
        self, venue_id: VenueId, keys: Mapping[PosKind, Collection[str]]
    ) -> Sequence[PosThing]:
        """Placeholders (`by_name`) whose key is among `keys`."""
        ...

    async def governed(
        self, venue_id: VenueId, arrivals: Sequence[Arrival]
    ) -> frozenset[tuple[PosKind, str, str]]:
        """The keys of those arrivals that have a mapping (or rule) version of their own."""
        ...

    async def adopt(self, venue_id: VenueId, adoption: Adoption, at: datetime) -> PosThing:
        """Give the placeholder's mapping (rule) versions to the arrival's row, made when
        unknown, and drop the placeholder. Raises `Conflict` when another transaction adopted
        it first."""
        ...

    async def saw(self, venue_id: VenueId, sightings: Sequence[tuple[Arrival, datetime]]) -> None:
        """Record arrivals seen at those instants: unknown ones are added; a known one takes the
        name it was seen with when seen later than before (the POS renamed it); a placeholder
        seen itself (a generic line keyed by its name) stops being one."""
        ...

    async def add_placeholder(
        self, venue_id: VenueId, kind: PosKind, name: str, at: datetime
    ) -> PosThing:
        """The placeholder for `name` (made at `at` when there is none yet)."""
        ...

    async def set_menu(self, venue_id: VenueId, menu: Menu) -> int:
        """Mark what `menu` lists as on the menu (with its category), and the provider's other
        items and modifiers as off it; how many went off it. The entries were recorded first
        (`saw`)."""
        ...

    async def ensure(self, venue_id: VenueId, arrival: Arrival, at: datetime) -> PosThing:
        """The POS item (modifier) `arrival` names, recorded first when unknown."""
        ...
