"""Reading the catalog's versions: what is in effect at an instant, for one POS key or many."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from engine.catalog import (
    Add,
    MappingId,
    ModifierId,
    ModifierRule,
    PosItemId,
    ProductCost,
    ProductId,
    Recipe,
    RecipeItem,
    RuleId,
    ServingSize,
    Swap,
    name_key,
)
from engine.errors import NotFound
from engine.money import Money
from engine.quantity import Quantity
from engine.records import PosKind, PosThing
from engine.units import Dimension
from engine.venue import VenueId
from storage.rows import in_effect, in_effect_during, pos_thing_from_row, rule_kind_from_row
from storage.tables import (
    mapping_items,
    mappings,
    modifier_rules,
    pos_items,
    pos_modifiers,
    product_costs,
    products,
    serving_sizes,
    venues,
)


class CatalogReads:
    def __init__(self, connection: AsyncConnection, currency: dict[int, str]) -> None:
        self._connection = connection
        self._currencies = currency

    async def _currency(self, venue_id: VenueId) -> str:
        if venue_id not in self._currencies:
            found = await self._connection.scalar(
                select(venues.c.currency).where(venues.c.id == venue_id)
            )
            if found is None:
                raise NotFound(f"there is no venue {venue_id}")
            self._currencies[venue_id] = str(found)
        return self._currencies[venue_id]

    async def cost(self, venue_id: VenueId, product_id: ProductId, at: datetime) -> ProductCost:
        costs = await self._costs(venue_id, {product_id}, at)
        if not costs:
            raise NotFound(f"product {product_id} has no cost at {at.isoformat()}")
        return costs[0]

    async def _costs(
        self,
        venue_id: VenueId,
        product_ids: Collection[ProductId],
        at: datetime,
        until: datetime | None = None,
    ) -> list[ProductCost]:
        """The costs in effect at `at`, or at some instant of [at, until]."""
        if not product_ids:
            return []
        currency = await self._currency(venue_id)
        rows = await self._connection.execute(
            select(product_costs, products.c.dimension)
            .join(products, products.c.id == product_costs.c.product_id)
            .where(
                products.c.venue_id == venue_id,
                product_costs.c.product_id.in_(sorted(product_ids)),
                in_effect_during(product_costs, at, until or at),
            )
        )
        return [
            ProductCost(
                ProductId(row.product_id),
                Money(int(row.cost_per_container), currency),
                Quantity(Dimension(row.dimension), int(row.container_size)),
                row.valid_from,
                row.valid_to,
            )
            for row in rows
        ]

    async def servings(self, venue_id: VenueId, at: datetime) -> Sequence[ServingSize]:
        rows = await self._connection.execute(
            select(serving_sizes)
            .where(serving_sizes.c.venue_id == venue_id, in_effect(serving_sizes, at))
            .order_by(serving_sizes.c.name_key)
        )
        return [
            ServingSize(
                row.name,
                Quantity(Dimension(row.dimension), int(row.quantity)),
                row.valid_from,
                row.valid_to,
            )
            for row in rows
        ]

    async def pos_things(self, venue_id: VenueId, kind: PosKind) -> Sequence[PosThing]:
        table = pos_items if kind is PosKind.ITEM else pos_modifiers
        rows = await self._connection.execute(
            select(table).where(table.c.venue_id == venue_id).order_by(table.c.name)
        )
        return [pos_thing_from_row(row, kind) for row in rows]

    async def recipe(self, venue_id: VenueId, pos_item: PosThing, at: datetime) -> Recipe | None:
        found = await self._recipes(venue_id, at, row_id=pos_item.id)
        return found[0][1] if found else None

    async def rule(
        self, venue_id: VenueId, modifier: PosThing, at: datetime
    ) -> ModifierRule | None:
        found = await self._rules(venue_id, at, row_id=modifier.id)
        return found[0][1] if found else None

    async def using_product(
        self, venue_id: VenueId, product_id: ProductId, at: datetime
    ) -> tuple[Sequence[PosThing], Sequence[PosThing]]:
        """The POS items whose mapping, and the modifiers whose rule, in effect at `at` pour (or
        swap) the product."""
        items = [
            thing
            for thing, recipe in await self._recipes(venue_id, at)
            if any(i.product_id == product_id for i in recipe.items)
        ]
        modifiers = [
            thing
            for thing, rule in await self._rules(venue_id, at)
            if (isinstance(rule.kind, Add) and rule.kind.product_id == product_id)
            or (
                isinstance(rule.kind, Swap)
                and product_id in (rule.kind.from_product_id, rule.kind.to_product_id)
            )
        ]
        return items, modifiers

    async def recipes_pouring(
        self, venue_id: VenueId, serving_name: str, at: datetime
    ) -> Sequence[tuple[PosThing, Recipe]]:
        key = name_key(serving_name)
        return [
            (thing, recipe)
            for thing, recipe in await self._recipes(venue_id, at)
            if any(i.serving_name and name_key(i.serving_name) == key for i in recipe.items)
        ]

    async def rules_pouring(
        self, venue_id: VenueId, serving_name: str, at: datetime
    ) -> Sequence[tuple[PosThing, ModifierRule]]:
        key = name_key(serving_name)
        return [
            (thing, rule)
            for thing, rule in await self._rules(venue_id, at)
            if isinstance(rule.kind, Add)
            and rule.kind.serving_name
            and name_key(rule.kind.serving_name) == key
        ]

    async def _recipes(
        self,
        venue_id: VenueId,
        at: datetime,
        *,
        provider: str | None = None,
        external_ids: Collection[PosItemId] | None = None,
        row_id: int | None = None,
        until: datetime | None = None,
    ) -> list[tuple[PosThing, Recipe]]:
        query = (
            select(
                mappings.c.id.label("mapping_id"),
                mappings.c.valid_from,
                mappings.c.valid_to,
                pos_items,
                mapping_items.c.product_id,
                mapping_items.c.quantity,
                mapping_items.c.serving_name,
                products.c.dimension,
            )
            .join(pos_items, pos_items.c.id == mappings.c.pos_item_id)
            .join(mapping_items, mapping_items.c.mapping_id == mappings.c.id)
            .join(products, products.c.id == mapping_items.c.product_id)
            .where(mappings.c.venue_id == venue_id, in_effect_during(mappings, at, until or at))
            .order_by(pos_items.c.name, mappings.c.id, mapping_items.c.id)
        )
        query = _narrow(query, pos_items, provider, external_ids, row_id)
        if external_ids is not None and not external_ids:
            return []
        grouped: dict[int, tuple[PosThing, Any, list[RecipeItem]]] = {}
        for row in await self._connection.execute(query):
            thing = PosThing(row.id, PosKind.ITEM, row.provider, row.external_id, row.name)
            entry = grouped.setdefault(row.mapping_id, (thing, row, []))
            quantity = Quantity(Dimension(row.dimension), int(row.quantity))
            entry[2].append(RecipeItem(ProductId(row.product_id), quantity, row.serving_name))
        return [
            (
                thing,
                Recipe(
                    MappingId(mapping_id),
                    PosItemId(thing.external_id),
                    tuple(items),
                    first.valid_from,
                    first.valid_to,
                ),
            )
            for mapping_id, (thing, first, items) in grouped.items()
        ]

    async def _rules(
        self,
        venue_id: VenueId,
        at: datetime,
        *,
        provider: str | None = None,
        external_ids: Collection[ModifierId] | None = None,
        row_id: int | None = None,
        until: datetime | None = None,
    ) -> list[tuple[PosThing, ModifierRule]]:
        if external_ids is not None and not external_ids:
            return []
        query = (
            select(
                modifier_rules,
                pos_modifiers.c.provider,
                pos_modifiers.c.external_id,
                pos_modifiers.c.name,
                products.c.dimension,
            )
            .join(pos_modifiers, pos_modifiers.c.id == modifier_rules.c.pos_modifier_id)
            .outerjoin(products, products.c.id == modifier_rules.c.product_id)
            .where(
                modifier_rules.c.venue_id == venue_id,
                in_effect_during(modifier_rules, at, until or at),
            )
            .order_by(pos_modifiers.c.name)
        )
        query = _narrow(query, pos_modifiers, provider, external_ids, row_id)
        return [
            (
                PosThing(
                    row.pos_modifier_id,
                    PosKind.MODIFIER,
                    row.provider,
                    row.external_id,
                    row.name,
                ),
                ModifierRule(
                    RuleId(row.id),
                    ModifierId(row.external_id),
                    rule_kind_from_row(row, row.dimension),
                    row.valid_from,
                    row.valid_to,
                ),
            )
            for row in await self._connection.execute(query)
        ]


def _narrow(
    query: Select[Any],
    table: Any,
    provider: str | None,
    external_ids: Collection[str] | None,
    row_id: int | None,
) -> Select[Any]:
    if provider is not None:
        query = query.where(table.c.provider == provider)
    if external_ids is not None:
        query = query.where(table.c.external_id.in_(sorted(external_ids)))
    if row_id is not None:
        query = query.where(table.c.id == row_id)
    return query
