"""The typed commands a manager can type, parsed but not yet resolved against the catalog.

Values stay syntactic: a `QuantityText` keeps the number and the unit word (or serving-size name)
as typed, a `MoneyText` the amount and the currency symbol, a product name the string as typed. The
engine resolves them (units to base units, names to products, "today" to a business day) when it
runs them.

Each command class says its command words (`words`, as written in `help`) and whether it changes
anything (`changes`: the session asks for a manager when it does).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import ClassVar, Literal, NamedTuple

# --- values -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuantityText:
    """A quantity as typed: `1.5 oz` -> (3/2, "oz"); `shot` -> (1, "shot"); `3.4` -> (17/5, None).

    `unit` is a canonical unit word (oz, ml, cl, l, bbl, gal, each, g, kg, lb), a serving-size name
    as typed (`shot`), or None: whole containers of the product (a bare number, or `bottles`).
    """

    amount: Fraction
    unit: str | None

    def __str__(self) -> str:
        number = _number_text(self.amount)
        return number if self.unit is None else f"{number} {self.unit}"


def _number_text(value: Fraction) -> str:
    """3 -> "3", 3/2 -> "1.5", 1/3 -> "1/3": decimals where they are exact, else a fraction."""
    if value.denominator == 1:
        return str(value.numerator)
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return str(value)
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


@dataclass(frozen=True, slots=True)
class MoneyText:
    """Money as typed: `$22.50` -> (Decimal("22.50"), "$"); `9` -> (Decimal(9), None)."""

    amount: Decimal
    symbol: str | None


class PeriodKind(StrEnum):
    TODAY = "today"  # the business day in progress
    YESTERDAY = "yesterday"
    WEEK = "week"
    MONTH = "month"
    DAY = "day"  # one calendar business day: start == end
    RANGE = "range"  # start..end, both included


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period. Relative kinds carry no dates: the session resolves them in the venue's
    time zone and business day; DAY and RANGE carry validated dates with start <= end."""

    kind: PeriodKind
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A Slack channel: by id (`C0123ABC`), by name (`#bar-alerts`, looked up later), or both."""

    id: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class UserRef:
    """A Slack user by id (`U0123ABC` or `W0123ABC`)."""

    id: str


class Ingredient(NamedTuple):
    """One `<quantity> <product>` of a recipe or of an `add` modifier rule."""

    quantity: QuantityText
    product: str


@dataclass(frozen=True, slots=True)
class Multiply:
    """`x2`: multiply every quantity of the line's recipe."""

    factor: Fraction


@dataclass(frozen=True, slots=True)
class Add:
    """`+ 0.5 oz Grand Marnier`: add an ingredient (scales with the modifier's quantity)."""

    quantity: QuantityText
    product: str


@dataclass(frozen=True, slots=True)
class Swap:
    """`swap Milagro Blanco -> Patron Silver`: replace a product, same quantity."""

    from_product: str
    to_product: str


@dataclass(frozen=True, slots=True)
class PriceOnly:
    """`price only`: the modifier changes the price, not the pour."""


ModifierRule = Multiply | Add | Swap | PriceOnly
ProductField = Literal["cost", "par", "reorder", "container"]
Provider = Literal["square", "toast", "clover", "shopify"]

# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Help:
    words: ClassVar[str] = "help"
    changes: ClassVar[bool] = False
    topic: str | None = None  # a command's words as in COMMAND_WORDS ("stock", "product add")


@dataclass(frozen=True, slots=True)
class Stock:
    words: ClassVar[str] = "stock"
    changes: ClassVar[bool] = False
    product: str | None = None


@dataclass(frozen=True, slots=True)
class Sales:
    words: ClassVar[str] = "sales"
    changes: ClassVar[bool] = False
    period: Period = Period(PeriodKind.TODAY)


@dataclass(frozen=True, slots=True)
class Variance:
    words: ClassVar[str] = "variance"
    changes: ClassVar[bool] = False
    product: str | None = None
    range: Period | None = None  # DAY or RANGE only; None: the last two counts


@dataclass(frozen=True, slots=True)
class Unmapped:
    words: ClassVar[str] = "unmapped"
    changes: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class Mappings:
    words: ClassVar[str] = "mappings"
    changes: ClassVar[bool] = False
    pos_item: str | None = None


@dataclass(frozen=True, slots=True)
class Products:
    words: ClassVar[str] = "products"
    changes: ClassVar[bool] = False


@dataclass(frozen=True, slots=True)
class Why:
    words: ClassVar[str] = "why"
    changes: ClassVar[bool] = False
    product: str


@dataclass(frozen=True, slots=True)
class Simulate:
    words: ClassVar[str] = "simulate"
    changes: ClassVar[bool] = False
    pos_item: str
    modifiers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class History:
    words: ClassVar[str] = "history"
    changes: ClassVar[bool] = False
    n: int = 20


# --- changing -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductAdd:
    words: ClassVar[str] = "product add"
    changes: ClassVar[bool] = True
    name: str
    container: QuantityText  # always with a unit word: 750 ml, 1/2 bbl, 1 each
    cost: MoneyText  # per container
    par: Fraction | None = None  # containers
    reorder: Fraction | None = None  # containers
    category: str | None = None


@dataclass(frozen=True, slots=True)
class ProductSet:
    words: ClassVar[str] = "product set"
    changes: ClassVar[bool] = True
    name: str
    field: ProductField
    value: MoneyText | Fraction | QuantityText  # cost: MoneyText; par/reorder: Fraction; container


@dataclass(frozen=True, slots=True)
class ServingSet:
    words: ClassVar[str] = "serving"
    changes: ClassVar[bool] = True
    name: str
    quantity: QuantityText


@dataclass(frozen=True, slots=True)
class Map:
    words: ClassVar[str] = "map"
    changes: ClassVar[bool] = True
    pos_item: str
    items: tuple[Ingredient, ...]


@dataclass(frozen=True, slots=True)
class Unmap:
    words: ClassVar[str] = "unmap"
    changes: ClassVar[bool] = True
    pos_item: str


@dataclass(frozen=True, slots=True)
class ModifierRuleSet:
    words: ClassVar[str] = "modifier"
    changes: ClassVar[bool] = True
    modifier: str
    rule: ModifierRule


@dataclass(frozen=True, slots=True)
class Count:
    words: ClassVar[str] = "count"
    changes: ClassVar[bool] = True
    product: str
    amount: QuantityText  # unit None: containers (`3.4`); else a quantity (`2550 ml`)


@dataclass(frozen=True, slots=True)
class Receive:
    words: ClassVar[str] = "receive"
    changes: ClassVar[bool] = True
    product: str
    containers: Fraction
    cost: MoneyText | None = None  # per container


@dataclass(frozen=True, slots=True)
class Waste:
    words: ClassVar[str] = "waste"
    changes: ClassVar[bool] = True
    product: str
    quantity: QuantityText  # unit None: containers
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class AlertsChannel:
    words: ClassVar[str] = "alerts"
    changes: ClassVar[bool] = True
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class AlertsLow:
    words: ClassVar[str] = "alerts low"
    changes: ClassVar[bool] = True
    on: bool


@dataclass(frozen=True, slots=True)
class AlertsVariance:
    words: ClassVar[str] = "alerts variance"
    changes: ClassVar[bool] = True
    pct: Decimal
    min_amount: MoneyText | None = None


@dataclass(frozen=True, slots=True)
class SummarySchedule:
    words: ClassVar[str] = "summary"
    changes: ClassVar[bool] = True
    time: dt.time
    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class SummaryOff:
    words: ClassVar[str] = "summary off"
    changes: ClassVar[bool] = True


@dataclass(frozen=True, slots=True)
class SummaryPost:
    words: ClassVar[str] = "summary post"
    changes: ClassVar[bool] = True
    date: dt.date | None = None  # None: the last full business day


@dataclass(frozen=True, slots=True)
class Use:
    words: ClassVar[str] = "use"
    changes: ClassVar[bool] = True
    venue: str  # a venue slug, lower-cased


@dataclass(frozen=True, slots=True)
class Connect:
    words: ClassVar[str] = "connect"
    changes: ClassVar[bool] = True
    provider: Provider


@dataclass(frozen=True, slots=True)
class Disconnect:
    words: ClassVar[str] = "disconnect"
    changes: ClassVar[bool] = True
    provider: Provider


@dataclass(frozen=True, slots=True)
class ManagersAdd:
    words: ClassVar[str] = "managers add"
    changes: ClassVar[bool] = True
    user: UserRef


@dataclass(frozen=True, slots=True)
class ManagersRemove:
    words: ClassVar[str] = "managers remove"
    changes: ClassVar[bool] = True
    user: UserRef


Command = (
    Help
    | Stock
    | Sales
    | Variance
    | Unmapped
    | Mappings
    | Products
    | Why
    | Simulate
    | History
    | ProductAdd
    | ProductSet
    | ServingSet
    | Map
    | Unmap
    | ModifierRuleSet
    | Count
    | Receive
    | Waste
    | AlertsChannel
    | AlertsLow
    | AlertsVariance
    | SummarySchedule
    | SummaryOff
    | SummaryPost
    | Use
    | Connect
    | Disconnect
    | ManagersAdd
    | ManagersRemove
)
