"""Clover's order arithmetic in integer cents (docs.clover.com, "Calculate order totals").

- A line's subtotal is its price (times `unitQty / 1000` for per-unit items) plus its
  modifications' amounts.
- Line discounts: percentages of that subtotal first, then fixed amounts. Order discounts: the same,
  of the sum of the lines after their own discounts, then shared among the lines.
- Fractions of a cent round half up, as Clover's own totals do.

barback books each line at what it was charged (rule 4), so the order-level discount is shared
among the lines in proportion to what each was charged after its own discounts, by largest
remainder: the shares sum exactly to the discount, and a line charged 0 (a comp) takes none.
"""

from __future__ import annotations

from collections.abc import Sequence

PERCENT = 100
TAX_RATE_ONE = 10_000_000
"""Clover tax rates: 100% is 10,000,000 (7.975% is 797,500)."""


def half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up (away from zero for negatives), exactly."""
    if denominator <= 0:
        raise ValueError("the denominator must be positive")
    quotient, remainder = divmod(abs(numerator), denominator)
    rounded = quotient + (1 if 2 * remainder >= denominator else 0)
    return rounded if numerator >= 0 else -rounded


def unit_price_total(price: int, unit_qty: int | None) -> int:
    """A line's price for its quantity: `price` itself, or `price * unitQty / 1000`."""
    return price if unit_qty is None else half_up(price * unit_qty, 1000)


def discounted(subtotal: int, percentages: Sequence[int], amounts: Sequence[int]) -> int:
    """What is left of `subtotal` after percentage discounts (each of the subtotal) and then fixed
    discounts (positive cents); never below 0."""
    off = sum(half_up(subtotal * pct, PERCENT) for pct in percentages) + sum(amounts)
    return max(subtotal - off, 0)


def spread(total: int, weights: Sequence[int]) -> list[int]:
    """`total` shared in proportion to non-negative `weights`, summing exactly to `total` (which
    may not exceed their sum): floors first, then the largest remainders take one cent more
    (earliest first on ties)."""
    whole = sum(weights)
    if total < 0 or any(w < 0 for w in weights) or total > whole:
        raise ValueError("spread takes 0 <= total <= sum of non-negative weights")
    if whole == 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def without_included_tax(amount: int, rate: int) -> int:
    """The part of a tax-inclusive (VAT) `amount` that is not tax, for a total `rate` in Clover's
    units: amount x 1 / (1 + rate), half up."""
    return half_up(amount * TAX_RATE_ONE, TAX_RATE_ONE + rate)
