"""Typed quantities: every form of commands.md, both ounces, barrel fractions, clear errors."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from engine.display import base_number, format_containers, format_quantity
from engine.errors import InvalidInput
from engine.quantity import Quantity, parse_amount, parse_containers, parse_number, parse_quantity
from engine.units import Dimension, fluid_ounce
from engine.venue import UnitSystem

US, METRIC, IMPERIAL = UnitSystem.US, UnitSystem.METRIC, UnitSystem.IMPERIAL
V, C, M = Dimension.VOLUME, Dimension.COUNT, Dimension.MASS
SERVINGS = {"shot": Quantity(V, 44_360), "Glass": Quantity(V, 147_868), "can": Quantity(C, 1000)}


@pytest.mark.parametrize(
    ("text", "system", "expected"),
    [
        # 1.5 x 29,573.5295625 µl = 44,360.29434375 -> 44,360
        ("1.5 oz", US, Quantity(V, 44_360)),
        ("1.5oz", US, Quantity(V, 44_360)),
        ("1.5 fl oz", US, Quantity(V, 44_360)),
        ("1.5 OZ", METRIC, Quantity(V, 44_360)),
        # UK: 1.5 x 28,413.0625 µl = 42,619.59375 -> 42,620
        ("1.5 oz", IMPERIAL, Quantity(V, 42_620)),
        ("44 ml", US, Quantity(V, 44_000)),
        ("4.4 cl", US, Quantity(V, 44_000)),
        ("1 l", US, Quantity(V, 1_000_000)),
        ("750ml", US, Quantity(V, 750_000)),
        ("1 1/2 oz", US, Quantity(V, 44_360)),
        (".75 oz", US, Quantity(V, 22_180)),  # 22,180.147171875
        # 31 US gal = 117,347,765.304 µl; half: 58,673,882.652 -> 58,673,883
        ("1/2 bbl", US, Quantity(V, 58_673_883)),
        ("1/2 bbl", IMPERIAL, Quantity(V, 58_673_883)),  # always the US beer barrel
        # sixth: 19,557,960.884 -> 19,557,961 (19.56 l)
        ("1/6 bbl", US, Quantity(V, 19_557_961)),
        ("1 gal", US, Quantity(V, 3_785_412)),  # 3,785,411.784
        ("1 gal", IMPERIAL, Quantity(V, 4_546_090)),
        ("1 each", US, Quantity(C, 1000)),
        ("1/2 each", US, Quantity(C, 500)),
        ("12 g", US, Quantity(M, 12_000)),
        ("1 kg", US, Quantity(M, 1_000_000)),
        ("2 lb", US, Quantity(M, 907_185)),  # 2 x 453,592.37 mg = 907,184.74
        ("shot", US, Quantity(V, 44_360)),
        ("SHOT", US, Quantity(V, 44_360)),
        ("2 shots", US, Quantity(V, 88_720)),
        ("glass", US, Quantity(V, 147_868)),
        ("can", US, Quantity(C, 1000)),
    ],
)
def test_parse_quantity(text: str, system: UnitSystem, expected: Quantity) -> None:
    assert parse_quantity(text, system, SERVINGS) == expected


def test_ounces_are_exact() -> None:
    assert fluid_ounce(US) * 16_000 == 473_176_473  # 29.5735295625 ml
    assert fluid_ounce(IMPERIAL) * 16 == 454_609  # 28.4130625 ml


def test_rounding_happens_once_half_even() -> None:
    # 0.0005 ml = 0.5 µl -> 0 (even); 0.0015 ml = 1.5 µl -> 2; 0.0025 ml = 2.5 µl -> 2
    assert parse_quantity("0.0015 ml", US) == Quantity(V, 2)
    assert parse_quantity("0.0025 ml", US) == Quantity(V, 2)
    assert parse_quantity("0.0005 ml", US, allow_zero=True) == Quantity(V, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.5", "needs a unit"),
        ("oz", "needs a number"),
        ("1.5 ozz", "did you mean oz"),
        ("1.5 pints", "is not a unit or a serving size"),
        ("-1 oz", "must be more than zero"),
        ("0 oz", "must be more than zero"),
        ("1/0 oz", "divides by zero"),
        ("", "needs a unit"),
    ],
)
def test_parse_quantity_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_quantity(text, US, SERVINGS)
    assert message in str(caught.value)


def test_parse_quantity_checks_the_dimension() -> None:
    with pytest.raises(InvalidInput, match="is a count, not a volume"):
        parse_quantity("1 each", US, dimension=V)


def test_parse_number() -> None:
    assert parse_number("3.4") * 10 == 34
    assert parse_number("1 1/2") * 2 == 3
    with pytest.raises(InvalidInput, match="is not a number"):
        parse_number("three")


def test_parse_amount_containers_or_base() -> None:
    bottle = Quantity(V, 750_000)
    # 3.4 containers x 750,000 µl = 2,550,000 µl, with the containers kept as typed
    assert parse_amount("3.4", bottle, US).quantity == Quantity(V, 2_550_000)
    assert parse_amount("3.4", bottle, US).containers_milli == 3400
    assert parse_amount("2550 ml", bottle, US).quantity == Quantity(V, 2_550_000)
    assert parse_amount("2550 ml", bottle, US).containers_milli is None
    assert parse_amount("0", bottle, US).quantity == Quantity(V, 0)
    assert parse_amount("0 ml", bottle, US).quantity == Quantity(V, 0)
    with pytest.raises(InvalidInput, match="not a volume"):
        parse_amount("2 each", bottle, US)
    assert parse_containers("6") == 6000
    assert parse_containers("0.0005") == 0  # half-even


def test_quantity_arithmetic() -> None:
    assert Quantity(V, 5) + Quantity(V, 7) - Quantity(V, 2) == Quantity(V, 10)
    assert -Quantity(V, 3) == Quantity(V, -3)
    assert Quantity(V, 3).scaled(Quantity(V, 1).base) == Quantity(V, 0)  # 0.003 -> 0
    assert Quantity(V, 5).scaled(Fraction(1, 2)) == Quantity(V, 2)  # 2.5 -> 2 (even)
    assert Quantity(V, 7).scaled(Fraction(1, 2)) == Quantity(V, 4)  # 3.5 -> 4 (even)
    assert Quantity.of_base(V, "44.36") == Quantity(V, 44_360)
    with pytest.raises(InvalidInput, match="cannot combine"):
        Quantity(V, 1) + Quantity(C, 1)


def test_display() -> None:
    shot = Quantity(V, 44_360)
    assert format_quantity(shot, US) == "1.50 oz (44.4 ml)"
    assert format_quantity(shot, METRIC) == "44.4 ml"
    # 44,360 / 28,413.0625 = 1.5612... UK oz
    assert format_quantity(shot, IMPERIAL) == "1.56 oz (44.4 ml)"
    assert format_quantity(Quantity(C, 2500), US) == "2.5 each"
    assert format_quantity(Quantity(M, 12_000), US) == "12 g"
    # 2,205,640 / 750,000 = 2.94085... -> 2.941
    assert format_containers(Quantity(V, 2_205_640), Quantity(V, 750_000)) == "2.941"
    assert format_containers(Quantity(V, -375_000), Quantity(V, 750_000)) == "-0.500"
    assert base_number(Quantity(V, 2_205_640)) == Decimal("2205.640")
