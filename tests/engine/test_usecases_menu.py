"""Recording a POS's menu, on SQLite and PostgreSQL: items known by id and name before they sell,
names followed, placeholders adopted, `unmapped --all`."""

from __future__ import annotations

import pytest

from engine.errors import InvalidInput
from engine.menu import Menu, MenuEntry, checked_menu
from engine.records import PosKind
from engine.usecases import catalog, ingest, menus, reports
from storage.database import Database
from tests.engine.usecases_world import ACTOR, World, ing, line, make_world, q, receipt, usd

ITEM, MOD = PosKind.ITEM, PosKind.MODIFIER


def square_menu(*entries: tuple[PosKind, str, str, str | None]) -> Menu:
    return checked_menu("square", [MenuEntry(*e) for e in entries])


@pytest.fixture
async def world(database: Database) -> World:
    world = await make_world(database)
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await catalog.add_product(
        uow, clock, v, name="Tito's Vodka", container=q("750 ml"), cost=usd("$22.50"), actor=ACTOR
    )
    await catalog.set_serving(uow, clock, v, name="shot", quantity=q("1.5 oz"), actor=ACTOR)
    return world


async def record(world: World, menu: Menu) -> menus.MenuResult:
    return await menus.record_menu(
        world.db.unit_of_work, world.clock, world.venue, menu, actor=ACTOR
    )


async def test_a_menu_makes_items_known_so_a_name_maps_their_id(world: World) -> None:
    result = await record(
        world,
        square_menu(
            (ITEM, "SQ-TITO", "Tito's Shot", "Vodka"),
            (ITEM, "SQ-MULE", "Moscow Mule", "Cocktails"),
            (MOD, "MOD-DBL", "Double", "Size"),
        ),
    )
    assert (result.items, result.modifiers, result.new, result.renamed) == (2, 1, 3, 0)

    change = await catalog.map_item(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        pos_item="tito's shot",
        items=[ing("1 shot", "tito")],
        actor=ACTOR,
    )
    assert change.new is not None and "bound to" not in change.new  # the POS's item, by id
    booked = await ingest.ingest_receipt(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        receipt("R1", world.clock.now(), line("L1", "SQ-TITO", "Tito's Shot")),
    )
    assert len(booked.booked) == 1 and booked.adopted == ()


async def test_unmapped_all_lists_the_menu_never_sold(world: World) -> None:
    await record(
        world,
        square_menu((ITEM, "SQ-TITO", "Tito's Shot", "Vodka"), (MOD, "MOD-DBL", "Double", "Size")),
    )
    await ingest.ingest_receipt(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        receipt("R1", world.clock.now(), line("L1", "SQ-GIN", "Gin Tonic")),
    )

    plain = await reports.unmapped(world.db.unit_of_work, world.venue)
    everything = await reports.unmapped(world.db.unit_of_work, world.venue, menu=True)

    assert [s.name for s in plain.items] == ["Gin Tonic"] and plain.on_menu == ()
    assert [(s.kind, s.name, s.category, s.seen) for s in everything.on_menu] == [
        (ITEM, "Tito's Shot", "Vodka", 0),
        (MOD, "Double", "Size", 0),
    ]


async def test_a_menu_adopts_what_was_mapped_by_name_and_follows_renames(world: World) -> None:
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await catalog.map_item(
        uow, clock, v, pos_item="Tito's Shot", items=[ing("1 shot", "tito")], actor=ACTOR
    )

    first = await record(world, square_menu((ITEM, "SQ-TITO", "Tito's Shot", None)))
    clock.advance(minutes=1)
    renamed = await record(world, square_menu((ITEM, "SQ-TITO", "Tito's Vodka Shot", None)))

    assert first.adopted == (
        "Tito's Shot (square SQ-TITO) took the mapping made by name on 2026-11-21",
    )
    assert (renamed.renamed, renamed.adopted) == (1, ())
    mapped = await reports.mappings(uow, clock, v)
    assert [(m.pos_item.external_id, m.pos_item.name) for m in mapped.items] == [
        ("SQ-TITO", "Tito's Vodka Shot")
    ]


async def test_what_leaves_the_menu_is_marked_off_it(world: World) -> None:
    await record(world, square_menu((ITEM, "A", "Old One", None), (ITEM, "B", "Kept", None)))
    result = await record(world, square_menu((ITEM, "B", "Kept", None)))

    assert result.off_menu == 1
    listed = await reports.unmapped(world.db.unit_of_work, world.venue, menu=True)
    assert [s.name for s in listed.on_menu] == ["Kept"]


def test_a_menu_out_of_bounds_is_refused_naming_each_problem() -> None:
    with pytest.raises(InvalidInput) as refused:
        checked_menu(
            "square",
            [
                MenuEntry(ITEM, "", "No Id"),
                MenuEntry(ITEM, "X", "x" * 256),
                MenuEntry(ITEM, "Y", "Fine"),
                MenuEntry(ITEM, "Y", "Twice"),
            ],
        )
    message = refused.value.message
    assert "item 1: an id" in message and "item 2: a name" in message
    assert "item 4: id 'Y' is listed twice" in message
