"""Units: the three dimensions, the units a manager may type, and their exact factors.

Every stored quantity is an integer count of thousandths of the dimension's base unit:
µl for volume (base ml), milli-each for counted goods (base each), mg for weighed goods (base g).
A unit's factor is how many of those thousandths one of the unit holds, as an exact `Fraction`,
computed by pint from its definitions (pint runs with `Fraction` magnitudes, so nothing is float).

Decisions where the rules are silent:
- `oz` is the venue's fluid ounce: US (29.5735295625 ml) for `us` and `metric`, UK (28.4130625 ml)
  for `imperial`. `us oz`/`uk oz` are not typed forms; a venue has one ounce.
- `bbl` is always the US beer barrel (31 US gal = 117,347.765304 ml), whatever the unit system.
- `gal` is the US gallon for `us`/`metric` venues and the imperial gallon for `imperial` ones,
  following the ounce.
- pint is imported here only, and its registry is built on first use, once (it takes ~0.5 s).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING

from engine.venue import UnitSystem

if TYPE_CHECKING:
    import pint

SUB_UNITS_PER_BASE = 1000
"""Thousandths: 1 ml = 1,000 µl, 1 each = 1,000 milli-each, 1 g = 1,000 mg."""


class Dimension(StrEnum):
    VOLUME = "volume"
    COUNT = "count"
    MASS = "mass"

    @property
    def base_unit(self) -> str:
        """The unit reports name for this dimension: ml, each or g."""
        return _BASE_UNIT[self]


_BASE_UNIT = {Dimension.VOLUME: "ml", Dimension.COUNT: "each", Dimension.MASS: "g"}
# The pint unit of one stored sub-unit, per dimension.
_PINT_SUB_UNIT = {Dimension.VOLUME: "microliter", Dimension.MASS: "milligram"}


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as typed: its dimension and the pint unit it means in each unit system."""

    symbol: str
    dimension: Dimension
    pint_name: str
    imperial_pint_name: str | None = None

    def pint_unit(self, system: UnitSystem) -> str:
        if system is UnitSystem.IMPERIAL and self.imperial_pint_name is not None:
            return self.imperial_pint_name
        return self.pint_name


_OZ = Unit("oz", Dimension.VOLUME, "US_fluid_ounce", "imperial_fluid_ounce")
_GAL = Unit("gal", Dimension.VOLUME, "US_liquid_gallon", "imperial_gallon")
_ML = Unit("ml", Dimension.VOLUME, "milliliter")
_CL = Unit("cl", Dimension.VOLUME, "centiliter")
_L = Unit("l", Dimension.VOLUME, "liter")
_BBL = Unit("bbl", Dimension.VOLUME, "beer_barrel")
_EACH = Unit("each", Dimension.COUNT, "")
_G = Unit("g", Dimension.MASS, "gram")
_KG = Unit("kg", Dimension.MASS, "kilogram")
_LB = Unit("lb", Dimension.MASS, "pound")

UNITS: dict[str, Unit] = {
    **dict.fromkeys(["oz", "fl oz", "floz", "fl. oz", "fl.oz", "ounce", "ounces"], _OZ),
    **dict.fromkeys(["ml", "milliliter", "milliliters", "millilitre", "millilitres"], _ML),
    **dict.fromkeys(["cl", "centiliter", "centiliters", "centilitre", "centilitres"], _CL),
    **dict.fromkeys(["l", "liter", "liters", "litre", "litres"], _L),
    **dict.fromkeys(["bbl", "barrel", "barrels"], _BBL),
    **dict.fromkeys(["gal", "gallon", "gallons"], _GAL),
    **dict.fromkeys(["each", "ea"], _EACH),
    **dict.fromkeys(["g", "gram", "grams"], _G),
    **dict.fromkeys(["kg", "kilogram", "kilograms"], _KG),
    **dict.fromkeys(["lb", "lbs", "pound", "pounds"], _LB),
}
"""Every spelling a manager may type (case-insensitive), to the unit it means."""

UNIT_HINT = "oz, ml, cl, l, bbl, gal, each, g, kg or lb"


def lookup_unit(text: str) -> Unit | None:
    """The unit this spelling means, or None."""
    return UNITS.get(" ".join(text.lower().split()))


def sub_units_per(unit: Unit, system: UnitSystem) -> Fraction:
    """How many stored sub-units (µl, milli-each, mg) one `unit` holds, exactly."""
    if unit.dimension is Dimension.COUNT:
        return Fraction(SUB_UNITS_PER_BASE)
    return _factor(unit.pint_unit(system), _PINT_SUB_UNIT[unit.dimension])


def fluid_ounce(system: UnitSystem) -> Fraction:
    """The venue's ounce in µl: 473176473/16000 (US) or 454609/16 (UK)."""
    return sub_units_per(_OZ, system)


@cache
def _factor(pint_unit: str, sub_unit: str) -> Fraction:
    magnitude = _registry().Quantity(Fraction(1), pint_unit).to(sub_unit).magnitude
    if not isinstance(magnitude, Fraction):  # pragma: no cover - pint built with Fraction
        raise TypeError(f"pint gave an inexact factor for {pint_unit}")
    return magnitude


@cache
def _registry() -> pint.UnitRegistry[Fraction]:
    import pint

    return pint.UnitRegistry(non_int_type=Fraction)
