"""The night of sales every POS adapter must book identically, described without any POS.

A bar (Tito's, Milagro, Patron, Cointreau; a 1.5 oz shot; "Tito's Shot" and "Margarita" mapped;
"Double" = x2 and "Top Shelf" = swap Milagro -> Patron) sells, on one evening in New York:

| order | lines (gross, per line)                                     | exercises               |
|-------|-------------------------------------------------------------|-------------------------|
| A     | 2 x Tito's Shot $16.00; Margarita + Top Shelf $15.00        | quantity 2, a swap      |
| B     | Margarita + Double $18.00; Tito's Shot comped ($8.00 -> $0) | a multiplier, a comp    |
| C     | 2 x Margarita $24.00; Tito's Shot $8.00; 10% off the check  | an order-level discount |
|       | ($3.20, spread $2.40 + $0.80 over the two lines)            | spread over lines       |
| D     | Espresso Martini $13.00 (mapped to nothing); Margarita +    | an unmapped item and    |
|       | Salt Rim $12.00 (a modifier with no rule); a Tito's Shot    | modifier, a line voided |
|       | voided before payment                                       | before payment          |
| RA    | refund of A's Margarita + Top Shelf, $15.00                 | a refund of one line    |

Every price is before tax; each POS adds 8.875% sales tax its own way, and none of it may reach
the books. A POS that cannot express a voided line simply leaves it out of the order.

The books, worked by hand (1.5 oz = 44,360 µl; 0.75 oz = 22,180 µl; cost per µl: Tito's 0.003 c,
Milagro 0.004 c, Patron 0.006 c, Cointreau 0.0048 c):

- COGS: Tito's Shot 133.08 c; Margarita 177.44 + 106.464 = 283.904 c; with Top Shelf
  266.16 + 106.464 = 372.624 c; with Double 2 x 283.904 = 567.808 c. The night:
  2 x 133.08 + 372.624 + 567.808 + 133.08 + 2 x 283.904 + 133.08 + 283.904 = 2,324.464 c.
- Net sales: 16.00 + 15.00 + 18.00 + 0 + 21.60 + 7.20 + 12.00 = 89.80, less the 15.00 refund =
  74.80 (the Espresso Martini has no mapping, so it is no sale; the void was never sold).
- Depleted: Tito's 4 shots = 177,440 µl; Milagro 1.5 + 3 + 3 + 1.5 oz = 221,800 µl; Patron
  44,360 µl; Cointreau 0.75 + 1.5 + 1.5 + 0.75 oz = 133,080 µl. No count: on-hand is minus that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("America/New_York")
CURRENCY = "USD"
TAX_RATE_PPM = 88_750  # 8.875%, in millionths


@dataclass(frozen=True, slots=True)
class Item:
    key: str
    """Neutral slug; each adapter turns it into its POS's id (`item_key`)."""
    name: str
    price: int
    """Minor units per unit, before tax."""


@dataclass(frozen=True, slots=True)
class Modifier:
    key: str
    name: str
    price: int
    """Minor units per unit of the line it is on."""


TITOS_SHOT = Item("titos-shot", "Tito's Shot", 800)
MARGARITA = Item("margarita", "Margarita", 1200)
ESPRESSO_MARTINI = Item("espresso-martini", "Espresso Martini", 1300)
DOUBLE = Modifier("double", "Double", 600)
TOP_SHELF = Modifier("top-shelf", "Top Shelf", 300)
SALT_RIM = Modifier("salt-rim", "Salt Rim", 0)
ITEMS = (TITOS_SHOT, MARGARITA, ESPRESSO_MARTINI)
MODIFIERS = (DOUBLE, TOP_SHELF, SALT_RIM)


@dataclass(frozen=True, slots=True)
class Line:
    key: str
    """Unique within the night (`A1`): adapters derive their line ids from it."""
    item: Item
    quantity: int = 1
    modifiers: tuple[Modifier, ...] = ()
    comp: bool = False
    """Given away: a 100% discount on this line."""
    order_discount: int = 0
    """This line's share of an order-level discount, minor units (the POS spread it)."""
    voided: bool = False
    """Rung, then voided before payment: on the check, never sold."""

    @property
    def unit_price(self) -> int:
        return self.item.price + sum(modifier.price for modifier in self.modifiers)

    @property
    def gross(self) -> int:
        """Item and modifier prices times the quantity, before discounts and tax."""
        return self.unit_price * self.quantity

    @property
    def discount(self) -> int:
        return self.gross if self.comp else self.order_discount

    @property
    def net(self) -> int:
        """What the line sold for: after discounts and comps, before tax."""
        return self.gross - self.discount

    @property
    def tax(self) -> int:
        """Sales tax on the net, half-up to the cent as registers do."""
        return (self.net * TAX_RATE_PPM + 500_000) // 1_000_000


@dataclass(frozen=True, slots=True)
class Order:
    key: str
    closed_at: datetime
    lines: tuple[Line, ...]
    discount_name: str | None = None
    """The order-level discount spread over the lines (`order_discount`), if any."""
    opened_at: datetime | None = None

    @property
    def sold(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if not line.voided)

    @property
    def net(self) -> int:
        return sum(line.net for line in self.sold)

    @property
    def tax(self) -> int:
        return sum(line.tax for line in self.sold)

    @property
    def discount(self) -> int:
        return sum(line.order_discount for line in self.sold)

    def opened(self) -> datetime:
        return self.opened_at or self.closed_at - timedelta(minutes=25)


@dataclass(frozen=True, slots=True)
class RefundLine:
    line: Line
    quantity: int

    @property
    def amount(self) -> int:
        return self.line.net * self.quantity // self.line.quantity


@dataclass(frozen=True, slots=True)
class Refund:
    key: str
    order: Order
    lines: tuple[RefundLine, ...]
    at: datetime

    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines)


@dataclass(frozen=True, slots=True)
class Night:
    business_day: datetime
    """Local midnight of the business day the night belongs to."""
    orders: tuple[Order, ...]
    refunds: tuple[Refund, ...]
    extra: Order
    """One more order, kept out of the night's books: for the cases (a missed webhook, an
    outage, a foreign restaurant)."""

    def order(self, key: str) -> Order:
        return next(order for order in (*self.orders, self.extra) if order.key == key)


def the_night(now: datetime | None = None) -> Night:
    """The night, on the evening before `now`'s local day (so it is over, and recent enough for
    a POS's reconciliation window)."""
    local_today = (now or datetime.now(UTC)).astimezone(ZONE).date()
    day = local_today - timedelta(days=1)

    def at(hh: int, mm: int) -> datetime:
        return datetime.combine(day, time(hh, mm), ZONE).astimezone(UTC)

    a = Order(
        "A",
        at(20, 5),
        (
            Line("A1", TITOS_SHOT, quantity=2),
            Line("A2", MARGARITA, modifiers=(TOP_SHELF,)),
        ),
    )
    b = Order(
        "B",
        at(20, 40),
        (Line("B1", MARGARITA, modifiers=(DOUBLE,)), Line("B2", TITOS_SHOT, comp=True)),
    )
    c = Order(
        "C",
        at(21, 15),
        (
            Line("C1", MARGARITA, quantity=2, order_discount=240),
            Line("C2", TITOS_SHOT, order_discount=80),
        ),
        discount_name="Happy Hour 10%",
    )
    d = Order(
        "D",
        at(22, 30),
        (
            Line("D1", ESPRESSO_MARTINI),
            Line("D2", MARGARITA, modifiers=(SALT_RIM,)),
            Line("D3", TITOS_SHOT, voided=True),
        ),
    )
    refund = Refund("RA", a, (RefundLine(a.lines[1], 1),), at(23, 10))
    extra = Order("E", at(23, 30), (Line("E1", TITOS_SHOT), Line("E2", MARGARITA)))
    midnight = datetime.combine(day, time(0), ZONE)
    return Night(midnight, (a, b, c, d), (refund,), extra)


@dataclass(frozen=True, slots=True)
class Books:
    """What the night leaves in barback, as reports show it (money in minor units, COGS in
    micro-minor units, quantities in milli-units or µl)."""

    net_sales: int
    refunds: int
    cogs: int
    receipts: int
    lines: int
    items: tuple[tuple[str, int, int, int], ...]
    """(POS item name, quantity sold net of refunds, net sales, COGS), by name."""
    on_hand: tuple[tuple[str, int], ...]
    """(product, on-hand in µl), by name."""
    unmapped_items: tuple[tuple[str, int], ...]
    unmapped_modifiers: tuple[tuple[str, int], ...]


SHOT, MARGARITA_COGS, TOP_SHELF_COGS = 133_080_000, 283_904_000, 372_624_000

EXPECTED = Books(
    net_sales=7480,
    refunds=1500,
    cogs=2 * SHOT
    + TOP_SHELF_COGS
    + 2 * MARGARITA_COGS
    + SHOT
    + 2 * MARGARITA_COGS
    + SHOT
    + MARGARITA_COGS,
    receipts=4,
    lines=7,
    items=(
        ("Margarita", 4000, 5160, TOP_SHELF_COGS + 5 * MARGARITA_COGS),
        ("Tito's Shot", 4000, 2320, 4 * SHOT),
    ),
    on_hand=(
        ("Cointreau", -133_080),
        ("Milagro Blanco", -221_800),
        ("Patron Silver", -44_360),
        ("Tito's Vodka", -177_440),
    ),
    unmapped_items=(("Espresso Martini", 1),),
    unmapped_modifiers=(("Salt Rim", 1),),
)
"""The night's books. Margarita: 5 sold less 1 refunded; $66.60 less $15.00; its COGS stays
(refunds are financial only, rule 10)."""
