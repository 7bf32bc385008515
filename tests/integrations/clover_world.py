"""A bar whose POS is Clover: `bar`'s products, Clover's items mapped to its drinks, and the
merchant connected (tokens encrypted, as the OAuth callback stores them)."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

from cryptography.fernet import Fernet

from engine.connections import PosConnection
from engine.records import PosKind
from engine.usecases import catalog
from engine.usecases.rules import MultiplyRule
from storage.connections import SqlConnections
from storage.database import Database
from tests.engine.usecases_world import ACTOR, World, bar, ing, make_world, seen
from tests.integrations.fakes.clover import FakeClover
from tests.integrations.fakes.clover_orders import MERCHANT_ID

KEY = Fernet.generate_key().decode()
TITOS = "TITOSSHOT0001"  # Clover inventory item ids
MARGARITA = "MARGARITA0001"
DOUBLE = "MODDOUBLESHOT"


async def clover_bar(database: Database) -> World:
    """`Tito's Shot` = one shot of Tito's, `Margarita` = 1.5 oz Milagro + 0.75 oz Cointreau,
    modifier `Double` = x2, all on Clover's ids."""
    world = await bar(await make_world(database))
    uow, clock, v = database.unit_of_work, world.clock, world.venue
    await seen(world, TITOS, "Tito's Shot", provider="clover")
    await seen(world, MARGARITA, "Margarita", provider="clover")
    await seen(world, DOUBLE, "Double", provider="clover", kind=PosKind.MODIFIER)
    await catalog.map_item(
        uow, clock, v, pos_item=TITOS, items=[ing("1 shot", "tito")], actor=ACTOR
    )
    margarita = [ing("1.5 oz", "milagro"), ing("0.75 oz", "cointreau")]
    await catalog.map_item(uow, clock, v, pos_item=MARGARITA, items=margarita, actor=ACTOR)
    await catalog.set_modifier_rule(
        uow, clock, v, modifier=DOUBLE, rule=MultiplyRule(Fraction(2)), actor=ACTOR
    )
    clock.advance(minutes=1)
    return world


async def connect(database: Database, world: World, clover: FakeClover) -> SqlConnections:
    """The merchant bound to the world's venue with a fresh token pair from the fake."""
    async with database.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
    connections = SqlConnections(database.engine, Fernet(KEY))
    lifetime = timedelta(minutes=30)
    await connections.save(
        PosConnection(
            venue.id, "clover", MERCHANT_ID, (), clover.grant(lifetime=lifetime),
            clover.issue_refresh(), clover.now() + lifetime,
        ),
        clover.now(),
    )  # fmt: skip
    return connections
