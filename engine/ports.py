"""The ports: what the rules need from the outside world, as protocols.

`storage` implements them with SQLAlchemy; tests implement them with fakes. Use cases take a
`UnitOfWorkFactory` and open one unit of work per use case, so concurrent requests share nothing.

Every repository method is venue-scoped: it takes the venue's id and never sees another venue's
rows. Repositories raise `engine.errors` (`NotFound`, `Conflict`), never driver errors, for what a
manager can cause. The read side (`Queries`) sums in the database and returns `engine.reports`
values.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Protocol, Self

from engine.alerts import AlertRepository  # alerts (issue 5): outbox rows in the same transaction
from engine.catalog import (
    ModifierId,
    ModifierRule,
    PosItemId,
    Product,
    ProductCost,
    ProductId,
    Recipe,
    RecipeItem,
    RuleKind,
    ServingSize,
)
from engine.catalog_view import CatalogAtClose, CatalogHistory
from engine.connections import VenueConnections
from engine.inventory import Variance
from engine.ledger_repository import LedgerRepository  # counts, drafts, deliveries, waste
from engine.pos_repository import PosRepository  # POS items as they arrive (issue 9)
from engine.quantity import Quantity
from engine.records import AuditEntry, NewProduct, PosKind, PosThing, Sighting, VenueSettings
from engine.reports import (
    ItemMapping,
    LedgerFigures,
    OnHandFigure,
    RuleMapping,
    SalesFigures,
    SalesSlot,
)
from engine.sales_repository import SalesRepository  # receipts as they book
from engine.venue import NewVenue, Venue, VenueId


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


class VenueRepository(Protocol):
    async def add(self, venue: NewVenue) -> Venue:
        """Insert a venue; raises `Conflict` when the slug is taken."""
        ...

    async def get(self, slug: str) -> Venue:
        """The venue with this slug; raises `NotFound`."""
        ...

    async def by_id(self, venue_id: VenueId) -> Venue:
        """The venue with this id; raises `NotFound`."""
        ...

    async def list(self) -> Sequence[Venue]: ...

    async def archive(self, venue_id: VenueId, at: datetime) -> None:
        """Mark the venue archived at `at`; `Conflict` when it already is."""
        ...

    async def pending_events(self, venue_id: VenueId) -> int:
        """How many of the venue's stored webhook events wait to be booked."""
        ...

    async def set_restock_refunds(self, venue_id: VenueId, on: bool) -> None: ...

    async def webhook_secret(self, slug: str) -> str:
        """The venue's generic-webhook secret; raises `NotFound`."""
        ...


class AuditLog(Protocol):
    async def record(
        self,
        *,
        venue_id: int | None,
        actor: str,
        action: str,
        target: str,
        old: object,
        new: object,
        at: datetime,
    ) -> None: ...


class CatalogRepository(Protocol):
    """Products and their cost history, serving sizes, POS items and modifiers, mapping versions
    and modifier-rule versions. Versioned rows are never edited: a change closes the version in
    effect (raising `Conflict` when another change closed it first) and opens the next."""

    async def products(self, venue_id: VenueId, *, archived: bool = False) -> Sequence[Product]:
        """The venue's products, by name; removed (archived) ones too when `archived`."""
        ...

    async def product(self, venue_id: VenueId, product_id: ProductId) -> Product:
        """One product; raises `NotFound`."""
        ...

    async def add_product(self, venue_id: VenueId, product: NewProduct) -> Product:
        """Insert the product and its first cost version (from `created_at`); raises `Conflict`
        when the name (case-insensitive) is taken."""
        ...

    async def update_product(self, venue_id: VenueId, product: Product) -> None:
        """Store the product's current values (par, reorder point, cost, container, category)."""
        ...

    async def rename_product(self, venue_id: VenueId, product_id: ProductId, name: str) -> None:
        """Give the product a new name; raises `Conflict` when another product has it."""
        ...

    async def archive_product(self, venue_id: VenueId, product_id: ProductId, at: datetime) -> None:
        """Mark the product removed at `at` (its rows stay); `Conflict` if it already was."""
        ...

    async def using_product(
        self, venue_id: VenueId, product_id: ProductId, at: datetime
    ) -> tuple[Sequence[PosThing], Sequence[PosThing]]:
        """The POS items whose mapping, and the modifiers whose rule, in effect at `at` pour or
        swap the product."""
        ...

    async def cost(self, venue_id: VenueId, product_id: ProductId, at: datetime) -> ProductCost:
        """The cost version in effect at `at`; raises `NotFound`."""
        ...

    async def open_cost(self, venue_id: VenueId, cost: ProductCost) -> None:
        """Close the cost version in effect at `cost.valid_from` and open `cost`."""
        ...

    async def servings(self, venue_id: VenueId, at: datetime) -> Sequence[ServingSize]:
        """The serving sizes in effect at `at`."""
        ...

    async def open_serving(self, venue_id: VenueId, serving: ServingSize) -> None:
        """Close the serving of the same name (case-insensitive), if any, and open `serving`."""
        ...

    async def close_serving(self, venue_id: VenueId, serving: ServingSize, at: datetime) -> None:
        """End the serving in effect at `at`, opening none (`serving remove`)."""
        ...

    async def close_rule(self, venue_id: VenueId, rule: ModifierRule, at: datetime) -> None:
        """End the modifier rule version `rule` at `at`, opening none (`modifier remove`)."""
        ...

    async def pos_things(self, venue_id: VenueId, kind: PosKind) -> Sequence[PosThing]:
        """Known POS items (or modifiers), including those only seen in the unmapped tally."""
        ...

    async def recipe(self, venue_id: VenueId, pos_item: PosThing, at: datetime) -> Recipe | None:
        """The mapping version of `pos_item` in effect at `at`."""
        ...

    async def replace_recipe(
        self,
        venue_id: VenueId,
        pos_item: PosThing,
        items: Sequence[RecipeItem] | None,
        at: datetime,
        actor: str,
    ) -> Recipe | None:
        """Close the mapping in effect (if any) at `at`; open one with `items` (None: unmap)."""
        ...

    async def rule(
        self, venue_id: VenueId, modifier: PosThing, at: datetime
    ) -> ModifierRule | None:
        """The modifier rule version in effect at `at`."""
        ...

    async def replace_rule(
        self, venue_id: VenueId, modifier: PosThing, kind: RuleKind, at: datetime, actor: str
    ) -> ModifierRule:
        """Close the rule in effect (if any) at `at` and open one of `kind`."""
        ...

    async def recipes_pouring(
        self, venue_id: VenueId, serving_name: str, at: datetime
    ) -> Sequence[tuple[PosThing, Recipe]]:
        """Mappings in effect at `at` with an item typed as this serving (case-insensitive)."""
        ...

    async def rules_pouring(
        self, venue_id: VenueId, serving_name: str, at: datetime
    ) -> Sequence[tuple[PosThing, ModifierRule]]:
        """`Add` rules in effect at `at` typed as this serving (case-insensitive)."""
        ...

    async def view_at(
        self,
        venue_id: VenueId,
        provider: str,
        at: datetime,
        pos_item_ids: Collection[PosItemId],
        modifier_ids: Collection[ModifierId],
    ) -> CatalogAtClose:
        """The recipes, rules and costs in effect at `at` for these POS keys of `provider`: what
        a receipt that closed at `at` is booked against (rule 6)."""
        ...

    async def history(
        self,
        venue_id: VenueId,
        provider: str,
        start: datetime,
        end: datetime,
        pos_item_ids: Collection[PosItemId],
        modifier_ids: Collection[ModifierId],
    ) -> CatalogHistory:
        """Every recipe, rule and cost version for these POS keys in effect at some instant of
        [start, end]: one read for a batch of receipts closed in that span."""
        ...


class SettingsRepository(Protocol):
    async def get(self, venue_id: VenueId) -> VenueSettings:
        """The venue's settings; the defaults when none were ever set."""
        ...

    async def put(self, venue_id: VenueId, settings: VenueSettings) -> None: ...


class Queries(Protocol):
    """The read side: sums and groups in the database, returns report values."""

    async def on_hand(
        self, venue_id: VenueId, product_id: ProductId | None = None
    ) -> Sequence[OnHandFigure]:
        """Rule 7 for every product (or one), by name, in one query."""
        ...

    async def daily_usage(
        self, venue_id: VenueId, first: date, last: date
    ) -> Mapping[ProductId, Mapping[date, Quantity]]:
        """Depleted per product and business day, `first`..`last` included (restocks netted)."""
        ...

    async def sales(
        self, venue_id: VenueId, currency: str, first: date, last: date, *, top: int
    ) -> SalesFigures:
        """Totals over business days `first`..`last` from the rollups, and the `top` items."""
        ...

    async def sales_by_day(
        self, venue_id: VenueId, currency: str, first: date, last: date
    ) -> Sequence[SalesSlot]:
        """Net sales and COGS per business day that had any."""
        ...

    async def sales_by_quarter_hour(
        self, venue_id: VenueId, currency: str, day: date
    ) -> Sequence[SalesSlot]:
        """Net sales and COGS of one business day per UTC quarter-hour (refunds by refund time),
        for the caller to gather into venue-local hours."""
        ...

    async def variances(
        self,
        venue_id: VenueId,
        product_id: ProductId | None = None,
        window: tuple[datetime, datetime] | None = None,
    ) -> Sequence[Variance]:
        """Rule 8 per product: between its last two counts, or its first and last counts in
        `window` [start, end). Products without two such counts are left out."""
        ...

    async def unmapped(self, venue_id: VenueId) -> Sequence[Sighting]:
        """Tallied items and modifiers with no mapping or rule in effect now, most seen first."""
        ...

    async def never_sold(self, venue_id: VenueId) -> Sequence[Sighting]:
        """On the POS's menu, no mapping or rule in effect, never sold (`seen` 0)."""
        ...

    async def mappings(
        self, venue_id: VenueId, at: datetime, pos_item_id: int | None = None
    ) -> tuple[Sequence[ItemMapping], Sequence[RuleMapping]]:
        """Mappings (all, or one POS item's) and modifier rules in effect at `at`, by name."""
        ...

    async def history(self, venue_id: VenueId, limit: int) -> Sequence[AuditEntry]:
        """The latest audit entries, newest first."""
        ...

    async def ledger(self, venue_id: VenueId, product_id: ProductId, limit: int) -> LedgerFigures:
        """The ledger behind on-hand since the product's last count; at most `limit` sales."""
        ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    @property
    def venues(self) -> VenueRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def catalog(self) -> CatalogRepository: ...

    @property
    def ledger(self) -> LedgerRepository: ...

    @property
    def sales(self) -> SalesRepository: ...

    @property
    def settings(self) -> SettingsRepository: ...

    @property
    def queries(self) -> Queries: ...

    @property
    def pos(self) -> PosRepository:
        """POS items and modifiers as receipts and menus make them known."""
        ...

    @property
    def alerts(self) -> AlertRepository:
        """Alert arming states and outbox rows (engine.alerts), in this transaction."""
        ...

    @property
    def connections(self) -> VenueConnections:
        """POS connections' revocation (engine.connections), in this transaction."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...
