"""Every unit factor barback writes out equals the one pint derives from its own definitions.

pint is a test dependency only: the engine carries the exact constants (`engine/units.py`), so a
command does not pay for building pint's registry; this test is where they are checked.
"""

from __future__ import annotations

from fractions import Fraction

import pint
import pytest

from engine.units import UNITS, Dimension, Unit, fluid_ounce, sub_units_per
from engine.venue import UnitSystem

# What each typed unit means in pint's names: (US and metric venues, imperial venues).
PINT_NAMES = {
    "oz": ("US_fluid_ounce", "imperial_fluid_ounce"),
    "gal": ("US_liquid_gallon", "imperial_gallon"),
    "ml": ("milliliter", "milliliter"),
    "cl": ("centiliter", "centiliter"),
    "l": ("liter", "liter"),
    "bbl": ("beer_barrel", "beer_barrel"),
    "g": ("gram", "gram"),
    "kg": ("kilogram", "kilogram"),
    "lb": ("pound", "pound"),
}
SUB_UNIT = {Dimension.VOLUME: "microliter", Dimension.MASS: "milligram"}


@pytest.fixture(scope="module")
def registry() -> pint.UnitRegistry[Fraction]:
    return pint.UnitRegistry(non_int_type=Fraction)


def distinct_units() -> list[Unit]:
    return sorted({unit.symbol: unit for unit in UNITS.values()}.values(), key=lambda u: u.symbol)


def test_every_measured_unit_is_checked() -> None:
    measured = {u.symbol for u in distinct_units() if u.dimension is not Dimension.COUNT}
    assert measured == set(PINT_NAMES)


@pytest.mark.parametrize("system", list(UnitSystem))
@pytest.mark.parametrize(
    "unit",
    [u for u in distinct_units() if u.dimension is not Dimension.COUNT],
    ids=lambda u: u.symbol,
)
def test_factor_equals_pints(
    registry: pint.UnitRegistry[Fraction], unit: Unit, system: UnitSystem
) -> None:
    us_name, imperial_name = PINT_NAMES[unit.symbol]
    name = imperial_name if system is UnitSystem.IMPERIAL else us_name
    expected = registry.Quantity(Fraction(1), name).to(SUB_UNIT[unit.dimension]).magnitude
    assert isinstance(expected, Fraction)
    assert sub_units_per(unit, system) == expected


def test_counted_goods_are_thousandths() -> None:
    assert sub_units_per(UNITS["each"], UnitSystem.US) == 1000


def test_the_two_ounces() -> None:
    assert fluid_ounce(UnitSystem.US) == Fraction(473176473, 16000)
    assert fluid_ounce(UnitSystem.METRIC) == Fraction(473176473, 16000)
    assert fluid_ounce(UnitSystem.IMPERIAL) == Fraction(454609, 16)
