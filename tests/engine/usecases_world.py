"""A venue in a real database, a clock the test moves, and short spellings of typed values.

Figures used across the use-case tests, worked by hand:
- 1 US fl oz = 29.5735295625 ml, so shot = 1.5 oz = 44.36029434375 ml -> 44,360 µl (half-even to
  the µl); 0.75 oz = 22,180.147... -> 22,180 µl; 0.5 oz = 14,786.76... -> 14,787 µl.
- Tito's: 750 ml for $22.50 = 2,250 cents / 750,000 µl = 0.003 c/µl; a shot costs
  44,360 x 0.003 = 133.08 c = 133,080,000 micro-cents.
- Milagro: 750 ml for $30.00 = 0.004 c/µl; 1.5 oz costs 177.44 c. Cointreau: 750 ml for $36.00 =
  0.0048 c/µl; 0.75 oz costs 22,180 x 0.0048 = 106.464 c.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from engine.catalog import ModifierId, PosItemId
from engine.identity import Arrival
from engine.receipt import ModifierLine, Receipt, ReceiptLine, Refund, RefundLine
from engine.records import PosKind
from engine.usecases import catalog
from engine.usecases.inputs import TypedIngredient, TypedMoney, TypedQuantity
from engine.venue_admin import add_venue
from storage.database import Database

# Saturday 21 November 2026, 18:00 in New York (UTC-5): business day 2026-11-21.
T0 = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)
ACTOR = "cli:sam"


@dataclass
class FakeClock:
    at: datetime = T0

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> datetime:
        self.at += timedelta(**delta)
        return self.at


@dataclass
class World:
    db: Database
    clock: FakeClock = field(default_factory=FakeClock)
    venue: str = "downtown"


def q(text: str) -> TypedQuantity:
    """`"1.5 oz"` -> TypedQuantity(3/2, "oz"); `"3.4"` -> containers."""
    number, _, unit = text.partition(" ")
    return TypedQuantity(Fraction(number), unit or None)


def usd(text: str) -> TypedMoney:
    return TypedMoney(Decimal(text.lstrip("$")), "$" if text.startswith("$") else None)


def ing(text: str, product: str) -> TypedIngredient:
    return TypedIngredient(q(text), product)


async def make_world(db: Database, *, venue: str = "downtown") -> World:
    world = World(db, venue=venue)
    await add_venue(
        db.unit_of_work,
        world.clock,
        slug=venue,
        name=venue.title(),
        timezone="America/New_York",
        currency="USD",
        actor=ACTOR,
    )
    return world


async def bar(world: World) -> World:
    """Tito's, Milagro and Cointreau; a shot; `Tito's Shot` and `Margarita` mapped (square)."""
    uow, clock, v = world.db.unit_of_work, world.clock, world.venue
    for name, cost in (
        ("Tito's Vodka", "$22.50"),
        ("Milagro Blanco", "$30.00"),
        ("Cointreau", "$36.00"),
    ):
        await catalog.add_product(
            uow,
            clock,
            v,
            name=name,
            container=q("750 ml"),
            cost=usd(cost),
            par=Fraction(6),
            reorder=Fraction(2),
            actor=ACTOR,
        )
    await catalog.set_serving(uow, clock, v, name="shot", quantity=q("1.5 oz"), actor=ACTOR)
    await seen(world, "sq-titos", "Tito's Shot")
    await seen(world, "sq-marg", "Margarita")
    await catalog.map_item(
        uow, clock, v, pos_item="Tito's Shot", items=[ing("1 shot", "tito")], actor=ACTOR
    )
    await catalog.map_item(
        uow,
        clock,
        v,
        pos_item="Margarita",
        items=[ing("1.5 oz", "milagro"), ing("0.75 oz", "cointreau")],
        actor=ACTOR,
    )
    clock.advance(minutes=1)
    return world


async def seen(
    world: World,
    external_id: str,
    name: str,
    provider: str = "square",
    kind: PosKind = PosKind.ITEM,
) -> None:
    """Make the POS item (or modifier) known, as a receipt would."""
    async with world.db.unit_of_work() as uow:
        venue = await uow.venues.get(world.venue)
        await uow.pos.saw(
            venue.id, [(Arrival(kind, provider, external_id, name), world.clock.now())]
        )
        await uow.commit()


def line(
    line_id: str,
    item: str,
    name: str,
    quantity: str = "1",
    net: int = 800,
    modifiers: tuple[tuple[str, str], ...] = (),
) -> ReceiptLine:
    return ReceiptLine(
        line_id,
        PosItemId(item),
        name,
        int(Fraction(quantity) * 1000),
        net,
        tuple(ModifierLine(ModifierId(m), n) for m, n in modifiers),
    )


def receipt(rid: str, at: datetime, *lines: ReceiptLine, version: int = 1) -> Receipt:
    return Receipt("square", rid, version, at, "USD", lines)


def refund(rid: str, of: str, at: datetime, *lines: tuple[str, str, int]) -> Refund:
    return Refund(
        "square",
        rid,
        of,
        at,
        "USD",
        tuple(RefundLine(lid, int(Fraction(qty) * 1000), amount) for lid, qty, amount in lines),
    )
