"""Changing the catalog through the real storage: products, servings, mappings, modifier rules.

Figures: 1.5 oz = 44,360 µl; 2 oz = 59,147.059... -> 59,147 µl; 0.5 oz -> 14,787 µl.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from engine.errors import Ambiguous, Conflict, InvalidInput, NotFound
from engine.records import GENERIC_PROVIDER, PosKind
from engine.usecases import catalog, ingest, reports
from engine.usecases.inputs import TypedQuantity
from engine.usecases.rules import AddRule, MultiplyRule, PriceOnlyRule, SwapRule
from storage.database import Database
from tests.engine.usecases_world import (
    ACTOR,
    World,
    bar,
    ing,
    line,
    make_world,
    q,
    receipt,
    seen,
    usd,
)


@pytest.fixture
async def world(database: Database) -> World:
    return await make_world(database)


async def add(world: World, name: str, container: str = "750 ml", cost: str = "$22.50") -> None:
    await catalog.add_product(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        name=name,
        container=q(container),
        cost=usd(cost),
        actor=ACTOR,
    )


async def test_product_add_answers_with_what_it_added(world: World) -> None:
    change = await catalog.add_product(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        name="Tito's  Vodka",
        container=q("750 ml"),
        cost=usd("$22.50"),
        par=Fraction(6),
        reorder=Fraction(2),
        category="vodka",
        actor=ACTOR,
    )
    assert (change.action, change.target, change.old, change.actor) == (
        "product.add",
        "Tito's Vodka",
        None,
        ACTOR,
    )
    assert change.new == {
        "name": "Tito's Vodka",
        "container": "25.36 oz (750.0 ml)",
        "cost": "$22.50",
        "par": "6",
        "reorder": "2",
        "category": "vodka",
    }
    products = await reports.products(world.db.unit_of_work, world.venue)
    (titos,) = products.products
    assert (titos.container_size.milli, titos.cost_per_container.minor, titos.par) == (
        750_000,
        2250,
        6000,
    )
    history = await reports.history(world.db.unit_of_work, world.venue)
    assert [(e.action, e.actor, e.new["cost"]) for e in history.entries[:1]] == [  # type: ignore[index]
        ("product.add", ACTOR, "$22.50")
    ]


@pytest.mark.parametrize(
    ("name", "container", "cost", "error"),
    [
        ("TITO'S VODKA", "750 ml", "$22.50", Conflict),  # the name, case-insensitive
        ("Gin", "750", "$22.50", InvalidInput),  # a container needs a unit
        ("Gin", "750 shot", "$22.50", InvalidInput),
        ("Gin", "750 ml", "22.505", InvalidInput),  # more decimals than USD has
        ("Gin", "0 ml", "$22.50", InvalidInput),
        ("  ", "750 ml", "$22.50", InvalidInput),
    ],
)
async def test_product_add_refuses_and_changes_nothing(
    world: World, name: str, container: str, cost: str, error: type[Exception]
) -> None:
    await add(world, "Tito's Vodka")
    with pytest.raises(error):
        await add(world, name, container, cost)
    assert len((await reports.products(world.db.unit_of_work, world.venue)).products) == 1
    assert len((await reports.history(world.db.unit_of_work, world.venue)).entries) == 2


async def test_money_in_another_currency_is_refused(world: World) -> None:
    from decimal import Decimal

    from engine.usecases.inputs import TypedMoney

    with pytest.raises(InvalidInput, match="USD"):
        await catalog.add_product(
            world.db.unit_of_work,
            world.clock,
            world.venue,
            name="Gin",
            container=q("750 ml"),
            cost=TypedMoney(Decimal("20"), "€"),
            actor=ACTOR,
        )


async def test_an_unknown_venue_is_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        await catalog.add_product(
            world.db.unit_of_work,
            world.clock,
            "uptown",
            name="Gin",
            container=q("750 ml"),
            cost=usd("20"),
            actor=ACTOR,
        )


async def test_product_set_changes_one_field_forward(world: World) -> None:
    await add(world, "Tito's Vodka")
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    clock.advance(minutes=1)
    cost = await catalog.set_product(
        uow, clock, v, product="tito", field="cost", value=usd("$24"), actor=ACTOR
    )
    par = await catalog.set_product(
        uow, clock, v, product="tito", field="par", value=Fraction(8), actor=ACTOR
    )
    size = await catalog.set_product(
        uow, clock, v, product="tito", field="container", value=q("1 l"), actor=ACTOR
    )
    await catalog.set_product(
        uow, clock, v, product="tito", field="category", value="vodka", actor=ACTOR
    )

    assert (cost.old, cost.new) == ({"cost": "$22.50"}, {"cost": "$24.00"})
    assert (par.old, par.new) == ({"par": "0"}, {"par": "8"})
    assert size.new == {"container": "33.81 oz (1000.0 ml)"}
    (titos,) = (await reports.products(uow, v)).products
    assert (
        titos.cost_per_container.minor,
        titos.container_size.milli,
        titos.par,
        titos.category,
    ) == (
        2400,
        1_000_000,
        8000,
        "vodka",
    )
    with pytest.raises(InvalidInput, match="counted by volume"):
        await catalog.set_product(
            uow, clock, v, product="tito", field="container", value=q("1 each"), actor=ACTOR
        )
    with pytest.raises(InvalidInput):
        await catalog.set_product(
            uow, clock, v, product="tito", field="cost", value=Fraction(3), actor=ACTOR
        )
    with pytest.raises(NotFound):
        await catalog.set_product(
            uow, clock, v, product="gin", field="par", value=Fraction(3), actor=ACTOR
        )


async def test_names_match_by_unambiguous_prefix(world: World) -> None:
    await add(world, "Patron Silver")
    await add(world, "Patron Reposado")
    with pytest.raises(Ambiguous) as error:
        await catalog.set_product(
            world.db.unit_of_work,
            world.clock,
            world.venue,
            product="patron",
            field="par",
            value=Fraction(2),
            actor=ACTOR,
        )
    assert error.value.candidates == ["Patron Reposado", "Patron Silver"]
    change = await catalog.set_product(
        world.db.unit_of_work,
        world.clock,
        world.venue,
        product="silver",
        field="par",
        value=Fraction(2),
        actor=ACTOR,
    )
    assert change.target == "Patron Silver"


async def test_map_finds_seen_items_creates_unseen_ones_and_reversions(world: World) -> None:
    await bar(world)
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    change = await catalog.map_item(
        uow, clock, v, pos_item="marg", items=[ing("2 oz", "milagro")], actor=ACTOR
    )
    assert change.target == "Margarita"
    assert change.old == {
        "recipe": "1.50 oz (44.4 ml) Milagro Blanco + 0.75 oz (22.2 ml) Cointreau"
    }
    assert change.new == {"recipe": "2.00 oz (59.1 ml) Milagro Blanco"}

    fresh = await catalog.map_item(
        uow, clock, v, pos_item="cocktail-negroni", items=[ing("1 shot", "tito")], actor=ACTOR
    )
    assert fresh.old is None
    mapped = await reports.mappings(uow, clock, v, "cocktail-negroni")
    (item,) = mapped.items
    assert (item.pos_item.provider, item.pos_item.external_id) == (
        GENERIC_PROVIDER,
        "cocktail-negroni",
    )
    assert item.recipe.items[0].serving_name == "shot"
    assert len((await reports.mappings(uow, clock, v)).items) == 3


async def test_map_refuses_unknown_products_and_bad_quantities(world: World) -> None:
    await bar(world)
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    with pytest.raises(NotFound):
        await catalog.map_item(
            uow, clock, v, pos_item="Margarita", items=[ing("1 oz", "rum")], actor=ACTOR
        )
    with pytest.raises(InvalidInput):
        await catalog.map_item(
            uow, clock, v, pos_item="Margarita", items=[ing("1 each", "tito")], actor=ACTOR
        )
    with pytest.raises(InvalidInput):
        await catalog.map_item(
            uow, clock, v, pos_item="Margarita", items=[ing("1 dram", "tito")], actor=ACTOR
        )
    with pytest.raises(InvalidInput):
        await catalog.map_item(uow, clock, v, pos_item="Margarita", items=[], actor=ACTOR)
    (marg,) = (await reports.mappings(uow, clock, v, "Margarita")).items
    assert len(marg.recipe.items) == 2  # unchanged


async def test_unmap_stops_depleting_from_now_on(world: World) -> None:
    await bar(world)
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    change = await catalog.unmap_item(uow, clock, v, pos_item="Tito's Shot", actor=ACTOR)
    assert change.new is None and change.old == {"recipe": "shot (1.50 oz) Tito's Vodka"}
    with pytest.raises(NotFound, match="not mapped"):
        await catalog.unmap_item(uow, clock, v, pos_item="Tito's Shot", actor=ACTOR)
    with pytest.raises(NotFound):
        await catalog.unmap_item(uow, clock, v, pos_item="Mojito", actor=ACTOR)
    r = receipt("R1", clock.advance(minutes=1), line("L1", "sq-titos", "Tito's Shot"))
    result = await ingest.ingest_receipt(uow, clock, v, r)
    assert result.booked == () and len(result.unmapped) == 1


async def test_a_serving_change_reversions_what_pours_it(world: World) -> None:
    await bar(world)
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await catalog.map_item(
        uow, clock, v, pos_item="double-tito", items=[ing("2 shots", "tito")], actor=ACTOR
    )
    await catalog.set_modifier_rule(
        uow, clock, v, modifier="extra-shot", rule=AddRule(q("1 shot"), "tito"), actor=ACTOR
    )
    clock.advance(minutes=1)
    change = await catalog.set_serving(uow, clock, v, name="SHOT", quantity=q("2 oz"), actor=ACTOR)

    assert change.old == {"quantity": "1.50 oz (44.4 ml)"}
    assert change.new == {"quantity": "2.00 oz (59.1 ml)", "remapped": "3"}
    mapped = await reports.mappings(uow, clock, v)
    pours = {m.pos_item.name: m.recipe.items[0].quantity.milli for m in mapped.items}
    # 88,720 x 59,147 / 44,360 = 118,294: two shots stay two shots
    assert pours["double-tito"] == 118_294 and pours["Tito's Shot"] == 59_147
    (rule,) = mapped.rules
    assert rule.rule.kind.quantity.milli == 59_147  # type: ignore[union-attr]
    with pytest.raises(Conflict, match="poured"):
        await catalog.set_serving(uow, clock, v, name="shot", quantity=q("1 each"), actor=ACTOR)
    with pytest.raises(InvalidInput):
        await catalog.set_serving(uow, clock, v, name="oz", quantity=q("1 oz"), actor=ACTOR)
    with pytest.raises(InvalidInput):
        await catalog.set_serving(
            uow, clock, v, name="glass", quantity=TypedQuantity(Fraction(5)), actor=ACTOR
        )


async def test_modifier_rules_change_what_a_sale_depletes(world: World) -> None:
    await bar(world)
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    await catalog.add_product(
        uow, clock, v, name="Patron Silver", container=q("750 ml"), cost=usd("45"), actor=ACTOR
    )
    await catalog.add_product(
        uow, clock, v, name="Grand Marnier", container=q("750 ml"), cost=usd("40.50"), actor=ACTOR
    )
    rules = {
        "double": MultiplyRule(Fraction(2)),
        "float": AddRule(q("0.5 oz"), "grand"),
        "premium": SwapRule("milagro", "patron"),
        "salt rim": PriceOnlyRule(),
    }
    for name, rule in rules.items():
        await seen(world, f"sq-{name}", name.title(), kind=PosKind.MODIFIER)
        change = await catalog.set_modifier_rule(
            uow, clock, v, modifier=name, rule=rule, actor=ACTOR
        )
        assert change.old is None
    changed = await catalog.set_modifier_rule(
        uow, clock, v, modifier="double", rule=MultiplyRule(Fraction(3, 2)), actor=ACTOR
    )
    assert (changed.old, changed.new) == ({"rule": "x2"}, {"rule": "x1.5"})
    with pytest.raises(InvalidInput):
        await catalog.set_modifier_rule(
            uow, clock, v, modifier="x", rule=MultiplyRule(Fraction(1, 3)), actor=ACTOR
        )
    clock.advance(minutes=1)

    sim = await reports.simulate(
        uow, clock, v, "Margarita", ["premium", "float", "double", "salt rim"]
    )
    moved = {sim.product_names[m.product_id]: m.quantity.milli for m in sim.movements}
    # swap Milagro -> Patron, add 14,787 µl Grand Marnier, then x1.5 everything (half-even)
    assert moved == {"Patron Silver": 66_540, "Cointreau": 33_270, "Grand Marnier": 22_180}
    # 66,540 x 0.006 + 33,270 x 0.0048 + 22,180.5 -> 22,180 x 0.0054 = 399.24 + 159.696 + 119.772 c
    assert sim.cogs.micro == 399_240_000 + 159_696_000 + 119_772_000
    with pytest.raises(NotFound):
        await reports.simulate(uow, clock, v, "Margarita", ["no such modifier"])
    await catalog.unmap_item(uow, clock, v, pos_item="Margarita", actor=ACTOR)
    with pytest.raises(NotFound, match="not mapped"):
        await reports.simulate(uow, clock, v, "Margarita")
