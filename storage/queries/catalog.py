"""What is unmapped, and what is mapped: the tally without a mapping or rule in effect, and the
mappings and modifier rules in effect at an instant."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.records import PosKind, Sighting
from engine.venue import VenueId
from storage.tables import (
    mappings,
    modifier_rules,
    pos_items,
    pos_modifiers,
    sale_lines,
    unmapped_tallies,
)


async def unmapped(connection: AsyncConnection, venue_id: VenueId) -> Sequence[Sighting]:
    tally = unmapped_tallies.c

    mapped_item = exists().where(
        pos_items.c.venue_id == tally.venue_id,
        pos_items.c.provider == tally.provider,
        pos_items.c.external_id == tally.external_id,
        mappings.c.pos_item_id == pos_items.c.id,
        mappings.c.valid_to.is_(None),
    )
    ruled_modifier = exists().where(
        pos_modifiers.c.venue_id == tally.venue_id,
        pos_modifiers.c.provider == tally.provider,
        pos_modifiers.c.external_id == tally.external_id,
        modifier_rules.c.pos_modifier_id == pos_modifiers.c.id,
        modifier_rules.c.valid_to.is_(None),
    )
    rows = await connection.execute(
        select(unmapped_tallies)
        .where(
            tally.venue_id == venue_id,
            or_(
                and_(tally.kind == "item", ~mapped_item),
                and_(tally.kind == "modifier", ~ruled_modifier),
            ),
        )
        .order_by(tally.seen.desc(), tally.name, tally.id)
    )
    return [
        Sighting(
            PosKind(row.kind),
            row.provider,
            row.external_id,
            row.name,
            int(row.seen),
            row.first_seen,
            row.last_seen,
        )
        for row in rows
    ]


async def never_sold(connection: AsyncConnection, venue_id: VenueId) -> Sequence[Sighting]:
    """Items and modifiers on the POS's menu with no mapping (rule) in effect that never sold
    (never tallied, no sale line), by kind, category and name; `seen` is 0."""
    found: list[Sighting] = []
    tally = unmapped_tallies.c
    for kind, table, versions, column in (
        (PosKind.ITEM, pos_items, mappings, mappings.c.pos_item_id),
        (PosKind.MODIFIER, pos_modifiers, modifier_rules, modifier_rules.c.pos_modifier_id),
    ):
        governed = exists().where(column == table.c.id, versions.c.valid_to.is_(None))
        tallied = exists().where(
            tally.venue_id == table.c.venue_id,
            tally.kind == kind.value,
            tally.provider == table.c.provider,
            tally.external_id == table.c.external_id,
        )
        conditions = [table.c.venue_id == venue_id, table.c.on_menu, ~governed, ~tallied]
        if kind is PosKind.ITEM:
            conditions.append(~exists().where(sale_lines.c.pos_item_id == table.c.id))
        rows = await connection.execute(
            select(table).where(*conditions).order_by(table.c.category, table.c.name_key)
        )
        found += [
            Sighting(
                kind,
                row.provider,
                row.external_id,
                row.name,
                0,
                row.first_seen,
                row.last_seen,
                row.category,
            )
            for row in rows
        ]
    return found
