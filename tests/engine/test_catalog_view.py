"""`CatalogHistory.at`: the catalog of any instant of a span, shared between instants that see the
same versions, always equal to picking the versions afresh with `catalog_at`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from engine.catalog import MappingId, PosItemId, ProductCost, ProductId, Recipe, RecipeItem
from engine.catalog_view import CatalogHistory, catalog_at
from engine.money import Money
from engine.quantity import Quantity
from engine.units import Dimension

T0 = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)


def at(minute: int) -> datetime:
    return T0 + timedelta(minutes=minute)


def versions(edges: list[int]) -> list[tuple[datetime, datetime | None]]:
    """Consecutive versions opening at each edge (sorted), the last still in effect."""
    points = sorted(set(edges))
    ends: list[datetime | None] = [at(m) for m in points[1:]]
    return list(zip((at(m) for m in points), [*ends, None], strict=True))


def costs(product: int, edges: list[int]) -> list[ProductCost]:
    return [
        ProductCost(
            ProductId(product),
            Money(1000 + i, "USD"),
            Quantity(Dimension.VOLUME, 750_000),
            start,
            end,
        )
        for i, (start, end) in enumerate(versions(edges))
    ]


def recipes(item: str, edges: list[int]) -> list[Recipe]:
    return [
        Recipe(
            MappingId(i + 1),
            PosItemId(item),
            (RecipeItem(ProductId(1), Quantity(Dimension.VOLUME, 44_360 * (i + 1))),),
            start,
            end,
        )
        for i, (start, end) in enumerate(versions(edges))
    ]


minutes = st.lists(st.integers(0, 60), min_size=1, max_size=5)


@given(minutes, minutes, minutes, st.lists(st.integers(-5, 70), min_size=1, max_size=20))
def test_the_view_of_any_instant_is_the_versions_in_effect_then(
    tito: list[int], milagro: list[int], marg: list[int], instants: list[int]
) -> None:
    history = CatalogHistory(
        recipes=tuple(recipes("sq-marg", marg)),
        costs=(*costs(1, tito), *costs(2, milagro)),
    )
    for minute in instants:  # in any order: a shared view must never leak to another span
        assert history.at(at(minute)) == catalog_at(
            at(minute), history.recipes, history.rules, history.costs
        )


def test_instants_between_the_same_edges_share_one_view() -> None:
    history = CatalogHistory(costs=tuple(costs(1, [0, 10, 20])))
    assert history.at(at(1)) is history.at(at(9))
    assert history.at(at(9)) is not history.at(at(10))
    assert history.at(at(10)).cost(ProductId(1)).cost_per_container == Money(1001, "USD")
