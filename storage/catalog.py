"""`SqlCatalogRepository`: products and cost versions, serving sizes, POS items and modifiers,
mapping versions and modifier-rule versions.

A version change reads the version in effect, then closes exactly that row (`WHERE id = ... AND
valid_to IS NULL`): when a concurrent change closed it first, the update finds nothing and the
change is refused as a `Conflict` instead of leaving two versions open.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.catalog import (
    Add,
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
    Swap,
    name_key,
)
from engine.catalog_view import CatalogAtClose, CatalogHistory
from engine.errors import Conflict, NotFound
from engine.records import NewProduct, PosThing
from engine.venue import VenueId
from storage.catalog_reads import CatalogReads
from storage.dialects import insert_for
from storage.rows import product_from_row, rule_columns
from storage.tables import (
    mapping_items,
    mappings,
    modifier_rules,
    product_costs,
    products,
    serving_sizes,
)

PRODUCT_COLUMNS = (
    products.c.id,
    products.c.name,
    products.c.dimension,
    products.c.container_size,
    products.c.cost_per_container,
    products.c.par,
    products.c.reorder_at,
    products.c.category,
    products.c.vendor,
)


def concurrent_change(what: str) -> Conflict:
    return Conflict(f"{what} was changed by someone else meanwhile", hint="look, then try again")


class SqlCatalogRepository(CatalogReads):
    def __init__(self, connection: AsyncConnection, currency: dict[int, str]) -> None:
        super().__init__(connection, currency)

    async def _close(self, table: Table, row_id: int, at: datetime, what: str) -> None:
        """End the version `row_id` at `at`; if another writer ended it first, that is a conflict
        (the caller read it as current), not something to write over."""
        current = table.c.id == row_id, table.c.valid_to.is_(None)
        closed = await self._connection.execute(update(table).where(*current).values(valid_to=at))
        if closed.rowcount != 1:
            raise concurrent_change(what)

    async def products(self, venue_id: VenueId) -> Sequence[Product]:
        currency = await self._currency(venue_id)
        rows = await self._connection.execute(
            select(*PRODUCT_COLUMNS)
            .where(products.c.venue_id == venue_id)
            .order_by(products.c.name_key)
        )
        return [product_from_row(row, currency) for row in rows]

    async def product(self, venue_id: VenueId, product_id: ProductId) -> Product:
        currency = await self._currency(venue_id)
        row = (
            await self._connection.execute(
                select(*PRODUCT_COLUMNS).where(
                    products.c.venue_id == venue_id, products.c.id == product_id
                )
            )
        ).one_or_none()
        if row is None:
            raise NotFound(f"there is no product {product_id}")
        return product_from_row(row, currency)

    async def add_product(self, venue_id: VenueId, product: NewProduct) -> Product:
        statement = (
            insert_for(self._connection, products)
            .values(
                venue_id=venue_id,
                name=product.name,
                name_key=name_key(product.name),
                dimension=product.dimension.value,
                container_size=product.container_size.milli,
                cost_per_container=product.cost_per_container.minor,
                par=product.par,
                reorder_at=product.reorder_at,
                category=product.category,
                vendor=product.vendor,
                created_at=product.created_at,
            )
            .on_conflict_do_nothing(index_elements=[products.c.venue_id, products.c.name_key])
            .returning(*PRODUCT_COLUMNS)
        )
        row = (await self._connection.execute(statement)).one_or_none()
        if row is None:
            raise Conflict(
                f"a product named {product.name!r} already exists",
                hint="use `product set` to change it",
            )
        await self._connection.execute(
            insert(product_costs).values(
                product_id=row.id,
                valid_from=product.created_at,
                valid_to=None,
                cost_per_container=product.cost_per_container.minor,
                container_size=product.container_size.milli,
            )
        )
        return product_from_row(row, product.cost_per_container.currency)

    async def update_product(self, venue_id: VenueId, product: Product) -> None:
        await self._connection.execute(
            update(products)
            .where(products.c.venue_id == venue_id, products.c.id == product.id)
            .values(
                container_size=product.container_size.milli,
                cost_per_container=product.cost_per_container.minor,
                par=product.par,
                reorder_at=product.reorder_at,
                category=product.category,
                vendor=product.vendor,
            )
        )

    async def open_cost(self, venue_id: VenueId, cost: ProductCost) -> None:
        current = await self.cost(venue_id, cost.product_id, cost.valid_from)
        closed = await self._connection.execute(
            update(product_costs)
            .where(
                product_costs.c.product_id == cost.product_id,
                product_costs.c.valid_from == current.valid_from,
                product_costs.c.valid_to.is_(None),
            )
            .values(valid_to=cost.valid_from)
        )
        if closed.rowcount != 1:
            raise concurrent_change("the product's cost")
        await self._connection.execute(
            insert(product_costs).values(
                product_id=cost.product_id,
                valid_from=cost.valid_from,
                valid_to=None,
                cost_per_container=cost.cost_per_container.minor,
                container_size=cost.container_size.milli,
            )
        )

    async def open_serving(self, venue_id: VenueId, serving: ServingSize) -> None:
        key = name_key(serving.name)
        current = await self._connection.scalar(
            select(serving_sizes.c.id).where(
                serving_sizes.c.venue_id == venue_id,
                serving_sizes.c.name_key == key,
                serving_sizes.c.valid_to.is_(None),
            )
        )
        if current is not None:
            what = f"serving {serving.name!r}"
            await self._close(serving_sizes, current, serving.valid_from, what)
        await self._connection.execute(
            insert(serving_sizes).values(
                venue_id=venue_id,
                name=serving.name,
                name_key=key,
                dimension=serving.quantity.dimension.value,
                quantity=serving.quantity.milli,
                valid_from=serving.valid_from,
                valid_to=None,
            )
        )

    async def replace_recipe(
        self,
        venue_id: VenueId,
        pos_item: PosThing,
        items: Sequence[RecipeItem] | None,
        at: datetime,
        actor: str,
    ) -> Recipe | None:
        current = await self.recipe(venue_id, pos_item, at)
        if current is not None:
            await self._close(mappings, current.id, at, f"the mapping of {pos_item.name!r}")
        if items is None:
            return None
        mapping_id = await self._connection.scalar(
            insert(mappings)
            .values(
                venue_id=venue_id,
                pos_item_id=pos_item.id,
                valid_from=at,
                valid_to=None,
                created_by=actor,
            )
            .returning(mappings.c.id)
        )
        assert mapping_id is not None
        await self._connection.execute(
            insert(mapping_items),
            [
                {
                    "mapping_id": mapping_id,
                    "product_id": item.product_id,
                    "quantity": item.quantity.milli,
                    "serving_name": item.serving_name,
                }
                for item in items
            ],
        )
        recipe = await self.recipe(venue_id, pos_item, at)
        assert recipe is not None
        return recipe

    async def replace_rule(
        self, venue_id: VenueId, modifier: PosThing, kind: RuleKind, at: datetime, actor: str
    ) -> ModifierRule:
        current = await self.rule(venue_id, modifier, at)
        if current is not None:
            await self._close(modifier_rules, current.id, at, f"the rule of {modifier.name!r}")
        await self._connection.execute(
            insert(modifier_rules).values(
                venue_id=venue_id,
                pos_modifier_id=modifier.id,
                valid_from=at,
                valid_to=None,
                created_by=actor,
                **rule_columns(kind),
            )
        )
        rule = await self.rule(venue_id, modifier, at)
        assert rule is not None
        return rule

    async def view_at(
        self,
        venue_id: VenueId,
        provider: str,
        at: datetime,
        pos_item_ids: Collection[PosItemId],
        modifier_ids: Collection[ModifierId],
    ) -> CatalogAtClose:
        history = await self.history(venue_id, provider, at, at, pos_item_ids, modifier_ids)
        return history.at(at)

    async def history(
        self,
        venue_id: VenueId,
        provider: str,
        start: datetime,
        end: datetime,
        pos_item_ids: Collection[PosItemId],
        modifier_ids: Collection[ModifierId],
    ) -> CatalogHistory:
        found = await self._recipes(
            venue_id, start, provider=provider, external_ids=pos_item_ids, until=end
        )
        recipes = tuple(recipe for _, recipe in found)
        rules = tuple(
            rule
            for _, rule in await self._rules(
                venue_id, start, provider=provider, external_ids=modifier_ids, until=end
            )
        )
        wanted = {item.product_id for r in recipes for item in r.items}
        wanted |= {p for r in rules for p in _rule_products(r)}
        costs = tuple(await self._costs(venue_id, wanted, start, end))
        return CatalogHistory(recipes, rules, costs)


def _rule_products(rule: ModifierRule) -> set[ProductId]:
    if isinstance(rule.kind, Add):
        return {rule.kind.product_id}
    if isinstance(rule.kind, Swap):
        return {rule.kind.to_product_id}
    return set()
