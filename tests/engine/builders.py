"""Small builders for engine tests: a venue, a few products, a catalog, receipts.

Figures used across the tests, worked by hand:
- 1 US fl oz = 29.5735295625 ml = 29,573.5295625 µl; 1.5 oz = 44,360.29434375 µl -> 44,360 µl;
  0.75 oz = 22,180.147171875 µl -> 22,180 µl; 1 oz -> 29,574 µl; 0.5 oz -> 14,787 µl
  (14,786.76478125).
- Tito's: 750 ml for $22.50 -> 2250 / 750,000 = 0.003 cents per µl.
- Milagro: 750 ml for $30.00 -> 0.004 c/µl. Patron: 750 ml for $45.00 -> 0.006 c/µl.
- Cointreau: 750 ml for $36.00 -> 0.0048 c/µl. Grand Marnier: 750 ml for $40.50 -> 0.0054 c/µl.
- IPA keg: 1/2 bbl = 58,673,882.652 µl -> 58,673,883 µl for $180.00.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from engine.catalog import (
    Add,
    MappingId,
    ModifierId,
    ModifierRule,
    Multiply,
    PosItemId,
    ProductCost,
    ProductId,
    Recipe,
    RecipeItem,
    RuleId,
    RuleKind,
    Swap,
)
from engine.catalog_view import CatalogAtClose
from engine.money import Money
from engine.quantity import Quantity
from engine.receipt import ModifierLine, Receipt, ReceiptLine, ReceiptState
from engine.units import Dimension
from engine.venue import UnitSystem, Venue, VenueId

V = Dimension.VOLUME
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday, 07:00 in New York

VENUE = Venue(VenueId(1), "downtown", "Downtown", "America/New_York", "USD", UnitSystem.US)
RESTOCKING = Venue(
    VenueId(2), "uptown", "Uptown", "America/New_York", "USD", UnitSystem.US, restock_refunds=True
)

TITOS, MILAGRO, PATRON, COINTREAU, GRAND_MARNIER, LIME, IPA = (ProductId(i) for i in range(1, 8))

SHOT = Quantity(V, 44_360)
HALF_OZ = Quantity(V, 14_787)
THREE_QUARTER_OZ = Quantity(V, 22_180)
ONE_OZ = Quantity(V, 29_574)
BOTTLE = Quantity(V, 750_000)


def usd(minor: int) -> Money:
    return Money(minor, "USD")


def cost(product: ProductId, minor: int, size: Quantity = BOTTLE, at: datetime = T0) -> ProductCost:
    return ProductCost(product, usd(minor), size, valid_from=at - timedelta(days=30))


COSTS = {
    TITOS: cost(TITOS, 2250),
    MILAGRO: cost(MILAGRO, 3000),
    PATRON: cost(PATRON, 4500),
    COINTREAU: cost(COINTREAU, 3600),
    GRAND_MARNIER: cost(GRAND_MARNIER, 4050),
    LIME: cost(LIME, 800, Quantity(V, 1_000_000)),
    IPA: cost(IPA, 18000, Quantity(V, 58_673_883)),
}

SINCE = T0 - timedelta(days=30)


def recipe(mapping: int, item: str, *items: tuple[ProductId, Quantity]) -> Recipe:
    return Recipe(
        MappingId(mapping),
        PosItemId(item),
        tuple(RecipeItem(p, q) for p, q in items),
        valid_from=SINCE,
    )


def rule(rule_id: int, modifier: str, kind: RuleKind) -> ModifierRule:
    return ModifierRule(RuleId(rule_id), ModifierId(modifier), kind, valid_from=SINCE)


RECIPES = {
    PosItemId("sq-titos-shot"): recipe(1, "sq-titos-shot", (TITOS, SHOT)),
    PosItemId("sq-margarita"): recipe(
        2, "sq-margarita", (MILAGRO, SHOT), (COINTREAU, THREE_QUARTER_OZ), (LIME, ONE_OZ)
    ),
}
RULES = {
    ModifierId("m-double"): rule(1, "m-double", Multiply(Fraction(2))),
    ModifierId("m-gm"): rule(2, "m-gm", Add(GRAND_MARNIER, HALF_OZ)),
    ModifierId("m-patron"): rule(3, "m-patron", Swap(MILAGRO, PATRON)),
}


def catalog() -> CatalogAtClose:
    return CatalogAtClose(recipes=RECIPES, rules=RULES, costs=COSTS)


def line(
    line_id: str,
    item: str = "sq-titos-shot",
    quantity: int = 1000,
    net: int = 800,
    *modifiers: tuple[str, int],
    name: str | None = None,
) -> ReceiptLine:
    return ReceiptLine(
        line_id,
        PosItemId(item),
        name or item,
        quantity,
        net,
        tuple(ModifierLine(ModifierId(m), m, q) for m, q in modifiers),
    )


def receipt(
    receipt_id: str = "r1",
    *lines: ReceiptLine,
    at: datetime = T0,
    version: int = 1,
    state: ReceiptState = ReceiptState.PAID,
) -> Receipt:
    return Receipt("square", receipt_id, version, at, "USD", lines or (line("l1"),), state)
