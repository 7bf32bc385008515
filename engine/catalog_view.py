"""The catalog as it was at one instant: what a receipt is booked against (rules 5, 6).

`CatalogView` is the protocol `book` reads; `CatalogAtClose` implements it over plain dicts, and
`catalog_at` picks the versions in effect at an instant from full histories (storage may instead
implement the protocol with queries). `CatalogHistory` holds every version in effect somewhere in a
span of time, so a batch of receipts closed at different instants is booked from one read.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from engine.catalog import ModifierId, ModifierRule, PosItemId, ProductCost, ProductId, Recipe
from engine.errors import NotFound
from engine.versioning import Versioned, in_effect


class CatalogView(Protocol):
    """The catalog in effect at one instant (the receipt's close), read-only."""

    def recipe(self, pos_item_id: PosItemId) -> Recipe | None: ...

    def rule(self, modifier_id: ModifierId) -> ModifierRule | None: ...

    def cost(self, product_id: ProductId) -> ProductCost:
        """The product's cost in effect; raises `NotFound` when there is none."""
        ...


@dataclass(frozen=True, slots=True)
class CatalogAtClose:
    """A `CatalogView` over plain dicts: what storage loads, and what tests build."""

    recipes: Mapping[PosItemId, Recipe] = field(default_factory=dict)
    rules: Mapping[ModifierId, ModifierRule] = field(default_factory=dict)
    costs: Mapping[ProductId, ProductCost] = field(default_factory=dict)

    def recipe(self, pos_item_id: PosItemId) -> Recipe | None:
        return self.recipes.get(pos_item_id)

    def rule(self, modifier_id: ModifierId) -> ModifierRule | None:
        return self.rules.get(modifier_id)

    def cost(self, product_id: ProductId) -> ProductCost:
        try:
            return self.costs[product_id]
        except KeyError:
            raise NotFound(f"product {product_id} has no cost in effect") from None


def catalog_at(
    at: datetime,
    recipes: Iterable[Recipe] = (),
    rules: Iterable[ModifierRule] = (),
    costs: Iterable[ProductCost] = (),
) -> CatalogAtClose:
    """The catalog in effect at `at`, picked from full version histories."""
    by_item: dict[PosItemId, list[Recipe]] = {}
    for recipe in recipes:
        by_item.setdefault(recipe.pos_item_id, []).append(recipe)
    by_modifier: dict[ModifierId, list[ModifierRule]] = {}
    for rule in rules:
        by_modifier.setdefault(rule.modifier_id, []).append(rule)
    by_product: dict[ProductId, list[ProductCost]] = {}
    for cost in costs:
        by_product.setdefault(cost.product_id, []).append(cost)
    return CatalogAtClose(
        recipes={k: r1 for k, v in by_item.items() if (r1 := in_effect(v, at)) is not None},
        rules={k: r2 for k, v in by_modifier.items() if (r2 := in_effect(v, at)) is not None},
        costs={k: c for k, v in by_product.items() if (c := in_effect(v, at)) is not None},
    )


@dataclass(frozen=True, slots=True)
class CatalogHistory:
    """The recipes, rules and costs in effect at some instant of a span: `at(t)` is the catalog
    at any `t` in that span."""

    recipes: tuple[Recipe, ...] = ()
    rules: tuple[ModifierRule, ...] = ()
    costs: tuple[ProductCost, ...] = ()
    _views: dict[int, CatalogAtClose] = field(default_factory=dict, compare=False, repr=False)
    _edges: list[datetime] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        versions: list[Versioned] = [*self.recipes, *self.rules, *self.costs]
        edges = {v.valid_from for v in versions}
        edges |= {v.valid_to for v in versions if v.valid_to is not None}
        self._edges.extend(sorted(edges))

    def at(self, at: datetime) -> CatalogAtClose:
        # Two instants with as many version edges at or before them see the same versions in
        # effect (valid_from <= t < valid_to), so a batch builds one view per span, not per receipt.
        span = bisect_right(self._edges, at)
        view = self._views.get(span)
        if view is None:
            view = catalog_at(at, self.recipes, self.rules, self.costs)
            self._views[span] = view
        return view
