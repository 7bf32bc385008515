"""A bar maps its menu by name before the POS has sold anything; the POS then sends its own ids
(issue 9's first report), on SQLite and PostgreSQL.

Figures: a shot is 44,360 µl of Tito's (0.003 c/µl: 133.08 c); `Double` (x2) makes it 88,720 µl.
Two bottles counted = 1,500,000 µl; one double shot leaves 1,411,280 µl.
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from sqlalchemy import select

from engine.errors import Conflict
from engine.identity import Adoption, Arrival
from engine.receipt import Receipt
from engine.records import PosKind
from engine.usecases import catalog, ingest, ledger, reports, settings
from engine.usecases.rules import MultiplyRule
from storage.database import Database
from storage.tables import outbox
from tests.engine.usecases_world import (
    ACTOR,
    World,
    ing,
    line,
    make_world,
    q,
    receipt,
    usd,
)


async def day_one(database: Database) -> World:
    """What the issue typed: a product, a serving, a mapping and a rule by name, a count."""
    world = await make_world(database)
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await catalog.add_product(
        uow, clock, v, name="Tito's Vodka", container=q("750 ml"), cost=usd("$22.50"), actor=ACTOR
    )
    await catalog.set_serving(uow, clock, v, name="shot", quantity=q("1.5 oz"), actor=ACTOR)
    await catalog.map_item(
        uow, clock, v, pos_item="Tito's Shot", items=[ing("1 shot", "tito")], actor=ACTOR
    )
    await catalog.set_modifier_rule(
        uow, clock, v, modifier="Double", rule=MultiplyRule(Fraction(2)), actor=ACTOR
    )
    await ledger.record_count(uow, clock, v, product="tito", amount=q("2"), actor=ACTOR)
    clock.advance(minutes=5)
    return world


async def book(world: World, r: Receipt) -> ingest.IngestResult:
    return await ingest.ingest_receipt(world.db.unit_of_work, world.clock, world.venue, r)


async def tito_on_hand(world: World) -> int:
    report = await reports.stock(world.db.unit_of_work, world.clock, world.venue, "tito")
    return report.rows[0].on_hand.milli


async def test_a_menu_mapped_by_name_depletes_the_first_sale_of_the_pos_id(
    database: Database,
) -> None:
    world = await day_one(database)
    sale = receipt(
        "R1",
        world.clock.now(),
        line("L1", "SQ-TITO", "Tito's Shot", "1", 1400, (("MOD-DBL", "Double"),)),
    )

    result = await book(world, sale)

    assert [line.name for line in result.booked] == ["Tito's Shot"]
    assert await tito_on_hand(world) == 1_500_000 - 88_720
    assert {(a.arrival.kind, a.arrival.external_id) for a in result.adopted} == {
        (PosKind.ITEM, "SQ-TITO"),
        (PosKind.MODIFIER, "MOD-DBL"),
    }
    unmapped = await reports.unmapped(world.db.unit_of_work, world.venue)
    assert unmapped.items == () and unmapped.modifiers == ()
    history = await reports.history(world.db.unit_of_work, world.venue, 3)
    adopted = [e for e in history.entries if e.action.endswith(".adopt")]
    assert {(e.action, e.actor, e.target) for e in adopted} == {
        ("map.adopt", "pos:square", "Tito's Shot"),
        ("modifier.adopt", "pos:square", "Double"),
    }
    mapping = await reports.mappings(world.db.unit_of_work, world.clock, world.venue, "SQ-TITO")
    assert [m.pos_item.external_id for m in mapping.items] == ["SQ-TITO"]


async def test_a_rename_keeps_the_mapping_and_reports_show_the_new_name(
    database: Database,
) -> None:
    world = await day_one(database)
    await book(world, receipt("R1", world.clock.now(), line("L1", "SQ-TITO", "Tito's Shot")))
    world.clock.advance(minutes=1)

    renamed = line("L1", "SQ-TITO", "Tito's Vodka Shot")
    result = await book(world, receipt("R2", world.clock.now(), renamed))

    assert len(result.booked) == 1 and result.adopted == ()
    sales = await reports.sales(world.db.unit_of_work, world.clock, world.venue)
    assert [item.pos_item.name for item in sales.items] == ["Tito's Vodka Shot"]
    assert await tito_on_hand(world) == 1_500_000 - 2 * 44_360


async def test_an_item_mapped_by_id_shows_its_name_in_sales(database: Database) -> None:
    world = await day_one(database)
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await catalog.map_item(
        uow, clock, v, pos_item="cocktail-paloma", items=[ing("2 oz", "tito")], actor=ACTOR
    )
    sale = receipt("R1", clock.now(), line("L1", "cocktail-paloma", "Paloma", "1", 1100))
    sale = replace(sale, provider="generic")

    await book(world, sale)

    sales = await reports.sales(uow, clock, v)
    assert [item.pos_item.name for item in sales.items] == ["Paloma"]


async def test_a_second_pos_item_of_the_same_name_arrives_unmapped(database: Database) -> None:
    world = await day_one(database)
    first = receipt("R1", world.clock.now(), line("L1", "SQ-TITO", "Tito's Shot"))
    second = replace(
        receipt("R2", world.clock.now(), line("L1", "TOAST-9", "Tito's Shot")), provider="toast"
    )

    await book(world, first)
    result = await book(world, second)

    assert result.booked == () and result.adopted == ()
    unmapped = await reports.unmapped(world.db.unit_of_work, world.venue)
    assert [(s.provider, s.external_id) for s in unmapped.items] == [("toast", "TOAST-9")]


async def test_a_generic_line_without_an_id_books_against_the_name_it_was_mapped_by(
    database: Database,
) -> None:
    world = await day_one(database)
    sale = replace(
        receipt("R1", world.clock.now(), line("L1", "tito's shot", "Tito's Shot")),
        provider="generic",
    )

    result = await book(world, sale)

    assert len(result.booked) == 1 and result.adopted == ()
    # It is a POS item now, no placeholder: a Square item of the same name adopts nothing.
    later = await book(world, receipt("R2", world.clock.now(), line("L1", "SQ-T", "Tito's Shot")))
    assert later.booked == () and later.adopted == ()


async def test_the_adoption_is_alerted(database: Database) -> None:
    world = await day_one(database)
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await settings.set_alert_channel(uow, clock, v, channel="C0ALERTS", actor=ACTOR)
    await book(world, receipt("R1", clock.now(), line("L1", "SQ-TITO", "Tito's Shot")))

    async with world.db.engine.connect() as connection:
        rows = (await connection.execute(select(outbox).where(outbox.c.kind == "adopted"))).all()
    (row,) = rows
    assert row.payload["text"] == (
        "Tito's Shot (square SQ-TITO) took the mapping made by name on 2026-11-21"
    )


async def test_a_placeholder_adopted_meanwhile_is_a_conflict(database: Database) -> None:
    world = await day_one(database)
    async with world.db.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
        (placeholder,) = await uow.pos.placeholders(venue.id, {PosKind.ITEM: ["tito's shot"]})
        arrival = Arrival(PosKind.ITEM, "square", "SQ-1", "Tito's Shot")
        await uow.pos.adopt(venue.id, Adoption(placeholder, arrival), world.clock.now())
        other = Arrival(PosKind.ITEM, "toast", "T-1", "Tito's Shot")
        with pytest.raises(Conflict):
            await uow.pos.adopt(venue.id, Adoption(placeholder, other), world.clock.now())
