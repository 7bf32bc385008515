"""Units: the three dimensions, the units a manager may type, and their exact factors.

Every stored quantity is an integer count of thousandths of the dimension's base unit:
µl for volume (base ml), milli-each for counted goods (base each), mg for weighed goods (base g).
A unit's factor is how many of those thousandths one of the unit holds, as an exact `Fraction`
written out below from the units' legal definitions (the US fluid ounce is 1/128 of a US gallon
of 231 cubic inches of 2.54 cm; the UK one 1/160 of an imperial gallon of 4.54609 l; the pound
0.45359237 kg). `tests/engine/test_unit_constants.py` checks every factor against pint's own
definitions; pint is not needed at run time (building its registry took 0.3-0.9 s of every
command).

Decisions where the rules are silent:
- `oz` is the venue's fluid ounce: US (29.5735295625 ml) for `us` and `metric`, UK (28.4130625 ml)
  for `imperial`. `us oz`/`uk oz` are not typed forms; a venue has one ounce.
- `bbl` is always the US beer barrel (31 US gal = 117,347.765304 ml), whatever the unit system.
- `gal` is the US gallon for `us`/`metric` venues and the imperial gallon for `imperial` ones,
  following the ounce.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from engine.venue import UnitSystem

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

# Exact sub-units (µl, mg) per unit. 1 US gal = 231 in³ = 3,785.411784 ml; 1 imperial gal =
# 4,546.09 ml; the ounces are 1/128 and 1/160 of them; the beer barrel is 31 US gallons.
US_GALLON_UL = Fraction("3785411.784")
IMPERIAL_GALLON_UL = Fraction(4_546_090)
US_FLUID_OUNCE_UL = US_GALLON_UL / 128  # 473176473/16000 = 29,573.5295625
IMPERIAL_FLUID_OUNCE_UL = IMPERIAL_GALLON_UL / 160  # 454609/16 = 28,413.0625
BEER_BARREL_UL = 31 * US_GALLON_UL  # 117,347,765.304
POUND_MG = Fraction("453592.37")


@dataclass(frozen=True, slots=True)
class Unit:
    """A unit as typed: its dimension, its sub-units per unit, and the imperial venue's factor
    where the unit differs there (the ounce and the gallon)."""

    symbol: str
    dimension: Dimension
    factor: Fraction
    imperial_factor: Fraction | None = None

    def sub_units(self, system: UnitSystem) -> Fraction:
        if system is UnitSystem.IMPERIAL and self.imperial_factor is not None:
            return self.imperial_factor
        return self.factor


_OZ = Unit("oz", Dimension.VOLUME, US_FLUID_OUNCE_UL, IMPERIAL_FLUID_OUNCE_UL)
_GAL = Unit("gal", Dimension.VOLUME, US_GALLON_UL, IMPERIAL_GALLON_UL)
_ML = Unit("ml", Dimension.VOLUME, Fraction(1_000))
_CL = Unit("cl", Dimension.VOLUME, Fraction(10_000))
_L = Unit("l", Dimension.VOLUME, Fraction(1_000_000))
_BBL = Unit("bbl", Dimension.VOLUME, BEER_BARREL_UL)
_EACH = Unit("each", Dimension.COUNT, Fraction(SUB_UNITS_PER_BASE))
_G = Unit("g", Dimension.MASS, Fraction(1_000))
_KG = Unit("kg", Dimension.MASS, Fraction(1_000_000))
_LB = Unit("lb", Dimension.MASS, POUND_MG)

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
    return unit.sub_units(system)


def fluid_ounce(system: UnitSystem) -> Fraction:
    """The venue's ounce in µl: 473176473/16000 (US) or 454609/16 (UK)."""
    return sub_units_per(_OZ, system)
