"""`SqlPosRepository`: POS items and modifiers as receipts and menus make them known, and the
adoption of placeholders mapped by name (`engine.identity`).

Rows are upserted in (provider, external id) order, as every other upsert of the booking
transaction keeps its own fixed order, so two concurrent bookings cannot deadlock on them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, and_, case, delete, exists, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.catalog import name_key
from engine.errors import Conflict
from engine.identity import Adoption, Arrival
from engine.menu import Menu
from engine.records import GENERIC_PROVIDER, PosKind, PosThing
from engine.venue import VenueId
from storage.dialects import InsertFor, insert_for, prepared
from storage.rows import pos_thing_from_row
from storage.tables import mappings, modifier_rules, pos_items, pos_modifiers

TABLES: Mapping[PosKind, Table] = {PosKind.ITEM: pos_items, PosKind.MODIFIER: pos_modifiers}
# What points at a POS item (modifier) row and follows it on adoption: its mapping (rule) versions.
VERSIONS: Mapping[PosKind, tuple[Table, str]] = {
    PosKind.ITEM: (mappings, "pos_item_id"),
    PosKind.MODIFIER: (modifier_rules, "pos_modifier_id"),
}
CHUNK = 500  # keys per IN list: far below every driver's parameter limit


def _saw_upsert(table: Table) -> Any:
    def build(insert: InsertFor) -> Any:
        statement = insert(table)
        new = statement.excluded
        newer = new.last_seen > table.c.last_seen
        renamed = and_(new.last_seen == table.c.last_seen, new.name != table.c.name)
        follows = or_(newer, renamed)
        return statement.on_conflict_do_update(
            index_elements=[table.c.venue_id, table.c.provider, table.c.external_id],
            set_={
                "name": _if(follows, new.name, table.c.name),
                "name_key": _if(follows, new.name_key, table.c.name_key),
                "last_seen": _if(newer, new.last_seen, table.c.last_seen),
                "by_name": False,
            },
            where=or_(follows, table.c.by_name),
        )

    return build


def _if(condition: Any, then: Any, otherwise: Any) -> Any:
    return case((condition, then), else_=otherwise)


_SAW = {kind: _saw_upsert(table) for kind, table in TABLES.items()}


class SqlPosRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def placeholders(
        self, venue_id: VenueId, keys: Mapping[PosKind, Collection[str]]
    ) -> Sequence[PosThing]:
        found: list[PosThing] = []
        for kind, wanted in keys.items():
            table = TABLES[kind]
            ordered = sorted(set(wanted))
            for start in range(0, len(ordered), CHUNK):
                rows = await self._connection.execute(
                    select(table).where(
                        table.c.venue_id == venue_id,
                        table.c.by_name,
                        table.c.name_key.in_(ordered[start : start + CHUNK]),
                    )
                )
                found += [pos_thing_from_row(row, kind) for row in rows]
        return found

    async def governed(
        self, venue_id: VenueId, arrivals: Sequence[Arrival]
    ) -> frozenset[tuple[PosKind, str, str]]:
        found: set[tuple[PosKind, str, str]] = set()
        for kind, table in TABLES.items():
            versions, column = VERSIONS[kind]
            keys = sorted({(a.provider, a.external_id) for a in arrivals if a.kind is kind})
            for start in range(0, len(keys), CHUNK):
                rows = await self._connection.execute(
                    select(table.c.provider, table.c.external_id).where(
                        table.c.venue_id == venue_id,
                        tuple_(table.c.provider, table.c.external_id).in_(
                            keys[start : start + CHUNK]
                        ),
                        exists().where(versions.c[column] == table.c.id),
                    )
                )
                found |= {(kind, row.provider, row.external_id) for row in rows}
        return frozenset(found)

    async def ensure(self, venue_id: VenueId, arrival: Arrival, at: datetime) -> PosThing:
        table = TABLES[arrival.kind]
        await self.saw(venue_id, [(arrival, at)])
        row = (
            await self._connection.execute(
                select(table).where(
                    table.c.venue_id == venue_id,
                    table.c.provider == arrival.provider,
                    table.c.external_id == arrival.external_id,
                )
            )
        ).one()
        return pos_thing_from_row(row, arrival.kind)

    async def adopt(self, venue_id: VenueId, adoption: Adoption, at: datetime) -> PosThing:
        kind = adoption.arrival.kind
        table = TABLES[kind]
        versions, column = VERSIONS[kind]
        thing = await self.ensure(venue_id, adoption.arrival, at)
        placeholder = adoption.placeholder.id
        await self._connection.execute(
            update(versions).where(versions.c[column] == placeholder).values({column: thing.id})
        )
        dropped = await self._connection.execute(
            delete(table).where(
                table.c.id == placeholder, table.c.venue_id == venue_id, table.c.by_name
            )
        )
        if dropped.rowcount != 1:
            raise Conflict(
                f"the mapping made by name {adoption.placeholder.name!r} was taken meanwhile",
                hint="it is booked again with what took it",
            )
        return thing

    async def saw(self, venue_id: VenueId, sightings: Sequence[tuple[Arrival, datetime]]) -> None:
        latest: dict[tuple[PosKind, str, str], tuple[Arrival, datetime]] = {}
        for arrival, at in sightings:
            known = latest.get(arrival.key)
            if known is None or at >= known[1]:
                latest[arrival.key] = (arrival, at)
        for kind in TABLES:
            rows = [
                {
                    "venue_id": venue_id,
                    "provider": arrival.provider,
                    "external_id": arrival.external_id,
                    "name": arrival.name,
                    "name_key": name_key(arrival.name),
                    "first_seen": at,
                    "last_seen": at,
                    "by_name": False,
                }
                for key, (arrival, at) in sorted(latest.items())
                if key[0] is kind
            ]
            if rows:
                await self._connection.execute(prepared(self._connection, _SAW[kind]), rows)

    async def add_placeholder(
        self, venue_id: VenueId, kind: PosKind, name: str, at: datetime
    ) -> PosThing:
        """A placeholder for a name no POS has sent yet, keyed as a generic line without an id
        would be (its name key), so a generic receipt naming it finds it directly."""
        table = TABLES[kind]
        key = name_key(name)
        await self._connection.execute(
            insert_for(self._connection, table)
            .values(
                venue_id=venue_id,
                provider=GENERIC_PROVIDER,
                external_id=key,
                name=name,
                name_key=key,
                first_seen=at,
                last_seen=at,
                by_name=True,
            )
            .on_conflict_do_nothing(
                index_elements=[table.c.venue_id, table.c.provider, table.c.external_id]
            )
        )
        row = (
            await self._connection.execute(
                select(table).where(
                    table.c.venue_id == venue_id,
                    table.c.provider == GENERIC_PROVIDER,
                    table.c.external_id == key,
                )
            )
        ).one()
        return pos_thing_from_row(row, kind)

    async def set_menu(self, venue_id: VenueId, menu: Menu) -> int:
        off = 0
        for kind, table in TABLES.items():
            entries = menu.of(kind)
            mine = table.c.venue_id == venue_id, table.c.provider == menu.provider
            listed = sorted(e.external_id for e in entries)
            for category in sorted({e.category or "" for e in entries}):
                ids = sorted(e.external_id for e in entries if (e.category or "") == category)
                for start in range(0, len(ids), CHUNK):
                    await self._connection.execute(
                        update(table)
                        .where(*mine, table.c.external_id.in_(ids[start : start + CHUNK]))
                        .values(on_menu=True, category=category or None)
                    )
            was_on = await self._connection.scalars(
                select(table.c.external_id).where(*mine, table.c.on_menu)
            )
            gone = sorted(set(was_on) - set(listed))
            for start in range(0, len(gone), CHUNK):
                await self._connection.execute(
                    update(table)
                    .where(*mine, table.c.external_id.in_(gone[start : start + CHUNK]))
                    .values(on_menu=False)
                )
            off += len(gone)
        return off
