"""Modifier rules as typed (`x2`, `+ 0.5 oz Grand Marnier`, `swap A -> B`, `price only`), before
their products and quantities are resolved."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from engine.usecases.inputs import QuantityLike


@dataclass(frozen=True, slots=True)
class MultiplyRule:
    factor: Fraction


@dataclass(frozen=True, slots=True)
class AddRule:
    quantity: QuantityLike
    product: str


@dataclass(frozen=True, slots=True)
class SwapRule:
    from_product: str
    to_product: str


@dataclass(frozen=True, slots=True)
class PriceOnlyRule:
    pass


RuleInput = MultiplyRule | AddRule | SwapRule | PriceOnlyRule
