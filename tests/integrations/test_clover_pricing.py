"""Clover's cents arithmetic: half-up rounding, and shares that add up to the cent."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from integrations.clover.pricing import half_up, spread, unit_price_total, without_included_tax


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(85, 10, 9), (84, 10, 8), (-85, 10, -9), (5, 2, 3), (1, 3, 0), (2, 3, 1), (0, 7, 0)],
)
def test_half_up(numerator: int, denominator: int, expected: int) -> None:
    assert half_up(numerator, denominator) == expected


def test_a_per_unit_price_and_an_included_tax() -> None:
    assert unit_price_total(50, 16_000) == 800  # 16 oz at 50 cents
    assert unit_price_total(33, 1_500) == 50  # 49.5 -> 50
    assert unit_price_total(1200, None) == 1200
    assert without_included_tax(1200, 2_000_000) == 1000  # 20% VAT


@given(
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=30),
    st.data(),
)
def test_shares_add_up_and_stay_within_a_cent_of_proportion(
    weights: list[int], data: st.DataObject
) -> None:
    total = data.draw(st.integers(min_value=0, max_value=sum(weights)))
    shares = spread(total, weights)
    assert sum(shares) == total
    whole = sum(weights)
    for weight, share in zip(weights, shares, strict=True):
        exact = Fraction(total * weight, whole) if whole else Fraction(0)
        assert abs(share - exact) < 1
        assert 0 <= share <= weight


def test_spread_refuses_more_than_the_weights_hold() -> None:
    with pytest.raises(ValueError):
        spread(11, [5, 5])
