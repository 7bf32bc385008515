"""The typed commands a manager can type, parsed but not yet resolved against the catalog.

Values stay syntactic (`bot.commands.values`, re-exported here): a `QuantityText` keeps the
number and the unit word (or serving-size name) as typed, a `MoneyText` the amount and the currency
symbol, a product name the string as typed. The engine resolves them (units to base units, names to
products, "today" to a business day) when it runs them.

Each command class says its command words (`words`, as written in `help`) and whether it changes
anything (`changes`: the session asks for a manager when it does).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar

from bot.commands.commands_setup import MapImport, MenuImport, ProductImport, Review, ReviewAccept
from bot.commands.values import (
    Add,
    ChannelRef,
    Ingredient,
    ModifierRule,
    MoneyText,
    Multiply,
    Period,
    PeriodKind,
    PriceOnly,
    ProductField,
    Provider,
    QuantityText,
    Swap,
    UserRef,
)

__all__ = [
    "Add",
    "ChannelRef",
    "Ingredient",
    "ModifierRule",
    "MoneyText",
    "Multiply",
    "Period",
    "PeriodKind",
    "PriceOnly",
    "ProductField",
    "Provider",
    "QuantityText",
    "Swap",
    "UserRef",
]

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
    period: Period = Period(PeriodKind.TODAY)  # noqa: RUF009 (frozen: one shared value is safe)


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
    all: bool = False  # `--all`: also what is on the POS's menu and never sold


@dataclass(frozen=True, slots=True)
class Mappings:
    words: ClassVar[str] = "mappings"
    changes: ClassVar[bool] = False
    pos_item: str | None = None
    csv: bool = False  # `--csv`: the sheet `map import` reads


@dataclass(frozen=True, slots=True)
class Products:
    words: ClassVar[str] = "products"
    changes: ClassVar[bool] = False
    csv: bool = False  # `--csv`: the sheet `product import` reads


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
    vendor: str | None = None


@dataclass(frozen=True, slots=True)
class ProductSet:
    words: ClassVar[str] = "product set"
    changes: ClassVar[bool] = True
    name: str
    field: ProductField
    # cost: MoneyText; par, reorder, shelf: Fraction; container: QuantityText; category: str
    # (`none` clears a category or a shelf position)
    value: MoneyText | Fraction | QuantityText | str


@dataclass(frozen=True, slots=True)
class ProductRename:
    words: ClassVar[str] = "product rename"
    changes: ClassVar[bool] = True
    name: str
    new_name: str


@dataclass(frozen=True, slots=True)
class ProductRemove:
    words: ClassVar[str] = "product remove"
    changes: ClassVar[bool] = True
    name: str


@dataclass(frozen=True, slots=True)
class ServingRemove:
    words: ClassVar[str] = "serving remove"
    changes: ClassVar[bool] = True
    name: str


@dataclass(frozen=True, slots=True)
class ModifierRemove:
    words: ClassVar[str] = "modifier remove"
    changes: ClassVar[bool] = True
    modifier: str


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
class CountSheet:
    """`count` / `count sheet [<file.csv>]`: Slack opens the count sheet (or uploads the file);
    the terminal prints it as CSV (or writes the file) to fill in. Reading only."""

    words: ClassVar[str] = "count sheet"
    changes: ClassVar[bool] = False
    file: str | None = None


@dataclass(frozen=True, slots=True)
class CountImport:
    """`count import <file.csv>`: a filled count sheet, saved as one count session."""

    words: ClassVar[str] = "count import"
    changes: ClassVar[bool] = True
    file: str


@dataclass(frozen=True, slots=True)
class Receive:
    words: ClassVar[str] = "receive"
    changes: ClassVar[bool] = True
    product: str
    containers: Fraction
    cost: MoneyText | None = None  # per container; `@ free` is 0


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
class RestockRefunds:
    words: ClassVar[str] = "restock_refunds"
    changes: ClassVar[bool] = True
    on: bool


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
    provider: Provider | None = None  # None: list what this barback can connect
    account: str | None = None  # the POS account, for a POS bound by id (Toast's GUID)


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
    | ProductRename
    | ProductRemove
    | ServingSet
    | ServingRemove
    | Map
    | Unmap
    | ModifierRuleSet
    | ModifierRemove
    | Count
    | CountSheet
    | CountImport
    | Receive
    | Waste
    | AlertsChannel
    | AlertsLow
    | AlertsVariance
    | RestockRefunds
    | SummarySchedule
    | SummaryOff
    | SummaryPost
    | Use
    | Connect
    | Disconnect
    | ManagersAdd
    | ManagersRemove
    | MenuImport
    | ProductImport
    | MapImport
    | Review
    | ReviewAccept
)
