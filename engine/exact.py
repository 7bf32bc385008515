"""Exact arithmetic: rounding once, half-even, from a `Fraction` to an integer or a `Decimal`.

Every figure the engine keeps is an integer; every ratio it computes is a `Fraction`. These two
functions are the only places where a value is rounded, and both round half to even.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def round_half_even(value: Fraction | int) -> int:
    """The nearest integer; ties go to the even one (Python's `round` on a Fraction does this)."""
    return round(Fraction(value))


def to_decimal(value: Fraction | int, places: int) -> Decimal:
    """`value` rounded half-even to `places` decimals, as a Decimal with exactly that many."""
    scaled = round_half_even(Fraction(value) * 10**places)
    return Decimal(scaled).scaleb(-places)


def div_half_even(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-even, in integers only (the hot path of booking)."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    quotient, remainder = divmod(numerator, denominator)
    twice = 2 * remainder
    if twice > denominator or (twice == denominator and quotient % 2 == 1):
        quotient += 1
    return quotient
