"""The pure alert rules: crossings and re-arming, variance thresholds, mapping guesses."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.alerts import (
    ArmState,
    Level,
    VarianceThresholds,
    decide_stock,
    guess_recipe,
    variance_over,
)
from engine.catalog import Product, ProductId, ServingSize
from engine.inventory import Count, Variance
from engine.money import Money
from engine.quantity import Quantity
from engine.units import Dimension

T = datetime(2026, 11, 21, 23, 0, tzinfo=UTC)
BOTTLE = Quantity(Dimension.VOLUME, 750_000)


def ml(n: float) -> Quantity:
    return Quantity(Dimension.VOLUME, int(n * 1000))


def product(pid: int, name: str, dimension: Dimension = Dimension.VOLUME) -> Product:
    size = BOTTLE if dimension is Dimension.VOLUME else Quantity(Dimension.COUNT, 1000)
    return Product(ProductId(pid), name, dimension, size, Money(2250, "USD"), 6000, 2000)


TITO = product(1, "Tito's Vodka")


def test_a_crossing_fires_once_and_further_down_does_not() -> None:
    crossing = Level(TITO, ml(1600), ml(1400))
    assert decide_stock([crossing], {}).crossed == (crossing,)
    lower = Level(TITO, ml(1400), ml(1200))
    assert decide_stock([lower], {TITO.id: ArmState(TITO.id, T, 7)}).crossed == ()
    assert decide_stock([lower], {}).crossed == ()  # never above: nothing crossed


def test_a_disarmed_product_seen_above_is_lifted_and_a_disarmed_one_does_not_fire() -> None:
    disarmed = {TITO.id: ArmState(TITO.id, T, 7)}
    lifted = Level(TITO, ml(1400), ml(3000))
    assert decide_stock([lifted], disarmed).lifted == ((lifted, disarmed[TITO.id]),)
    assert decide_stock([Level(TITO, ml(1600), ml(1400))], disarmed).crossed == ()
    assert decide_stock([lifted], {}).lifted == ()  # armed already


def variance_of(counted_end: int, depleted: int) -> Variance:
    start = Count(TITO.id, T, ml(2250))
    end = Count(TITO.id, T.replace(hour=23, minute=30), ml(counted_end))
    return Variance(TITO.id, start, end, ml(0), ml(depleted), ml(0), Money(2250, "USD"), BOTTLE)


def test_variance_over_thresholds_uses_pct_and_minimum() -> None:
    v = variance_of(1700, 500)  # actual 550 ml, expected 500: +50 ml = 10%, cost $1.50
    assert variance_over(v, VarianceThresholds(10_000))
    assert not variance_over(v, VarianceThresholds(10_001))
    assert variance_over(v, VarianceThresholds(5_000, Money(150, "USD")))
    assert not variance_over(v, VarianceThresholds(5_000, Money(151, "USD")))
    assert not variance_over(v, VarianceThresholds(None))
    assert variance_over(variance_of(1800, 500), VarianceThresholds(10_000))  # -10%: absolute
    assert variance_over(variance_of(2200, 0), VarianceThresholds(90_000))  # n/a % counts


def test_guess_takes_the_closest_products_and_a_serving_named_in_the_item() -> None:
    products = [TITO, product(2, "Soda Water"), product(3, "Milagro Blanco")]
    servings = [ServingSize("shot", ml(44.36), T), ServingSize("pint", ml(473.18), T)]
    guesses = guess_recipe("Tito's Shot", products, servings)
    assert [(g.product, g.quantity) for g in guesses] == [("Tito's Vodka", "shot")]
    pair = guess_recipe("Titos Vodka Soda", products, servings)
    assert [g.product for g in pair] == ["Tito's Vodka", "Soda Water"]
    assert guess_recipe("Espresso Martini", products, servings) == ()
    can = guess_recipe("Modelo", [product(4, "Modelo Can", Dimension.COUNT)], servings)
    assert [(g.product, g.quantity) for g in can] == [("Modelo Can", "1 each")]
