"""The grammar's modifier rules as the engine's use cases take them (same fields, the engine's
own classes), for `modifier` and for the rows of `map import`."""

from __future__ import annotations

from bot.commands import commands as c
from engine.usecases.rules import AddRule, MultiplyRule, PriceOnlyRule, RuleInput, SwapRule


def rule_input(rule: c.ModifierRule) -> RuleInput:
    if isinstance(rule, c.Multiply):
        return MultiplyRule(rule.factor)
    if isinstance(rule, c.Add):
        return AddRule(rule.quantity, rule.product)
    if isinstance(rule, c.Swap):
        return SwapRule(rule.from_product, rule.to_product)
    return PriceOnlyRule()
