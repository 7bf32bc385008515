"""The review queue: a best-guess rule for each unmapped POS item and modifier, with a confidence.

Pure. A guess is what a manager would type after the `=` of `map` or `modifier`, built from the
evidence barback has; its confidence (0-99%) says how much of that evidence agrees.

Items, in order:
1. Another POS item of the same name is mapped (the same drink on a second POS or location):
   its recipe, 95%.
2. Else the products whose names the item's name holds (`engine.alerts.guess_recipe`'s scoring),
   poured by a serving the name says (`Tito's Shot`: shot), scaled by `double` or `triple` in
   the name (`Tito's Double`: 2 shot), else by the serving the venue's mappings already pour that
   product with, else the venue's first serving of its kind (`1 each` for counted goods).
   Confidence 40% + up to 35% for how well the product's name matched, + 15% when the name says
   the serving or the multiple, + 5% when a mapping already pours that product so, + 5% when the
   item's menu category names the product's category, - 25% when the name says a serve the venue
   has no serving for (`IPA Pint` with no `pint`). Without a serving to pour: no guess.
Modifiers:
1. Another modifier of the same name has a rule: that rule, 95%.
2. `double`/`dbl`/`2x` x2 (90%), `triple`/`3x` x3 (85%); garnishes and serves that change no
   pour (`rocks`, `neat`, `up`, `salt`, `lime`, `twist`, ...) price only (70%).
3. A modifier naming a product (`Extra Cointreau`): + the product's usual serving, 40% + up to
   20% for the name's match.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from engine.alerts import guess_recipe
from engine.catalog import (
    Add,
    Multiply,
    Product,
    ProductId,
    Recipe,
    RuleKind,
    ServingSize,
    Swap,
    name_key,
)
from engine.quantity import Quantity
from engine.records import PosKind, Sighting
from engine.usecases.inputs import QuantityLike, TypedIngredient, TypedQuantity
from engine.usecases.rules import AddRule, MultiplyRule, PriceOnlyRule, RuleInput, SwapRule
from engine.words import BASE_WORD, number, quote

SAME_NAME = 95
NO_POUR_WORDS = frozenset(
    {
        "rocks",
        "neat",
        "up",
        "salt",
        "sugar",
        "lime",
        "lemon",
        "twist",
        "olive",
        "ice",
        "no",
        "straight",
        "chilled",
        "garnish",
        "rim",
        "light",
        "dirty",
        "shaken",
        "stirred",
    }
)
# Words that name a serve: in an item's name without a serving of that name, the default serving
# is a weak guess (`IPA Pint` poured by the shot).
SERVE_WORDS = frozenset(
    {"pint", "glass", "can", "bottle", "pitcher", "carafe", "flight", "half", "schooner", "bucket"}
)
MULTIPLES = {"double": 2, "dbl": 2, "2x": 2, "x2": 2, "triple": 3, "3x": 3, "x3": 3}


@dataclass(frozen=True, slots=True)
class Known:
    """What is mapped already: the evidence a guess leans on."""

    recipes: Mapping[str, Recipe]
    """By the mapped POS item's name key."""
    rules: Mapping[str, RuleKind]
    """By the ruled modifier's name key."""
    products: Sequence[Product]
    servings: Sequence[ServingSize]

    @property
    def names(self) -> dict[ProductId, str]:
        return {p.id: p.name for p in self.products}

    @property
    def sizes(self) -> dict[str, Quantity]:
        return {s.name: s.quantity for s in self.servings}


@dataclass(frozen=True, slots=True)
class Guess:
    """A recipe (`items`, for an item) or a rule (`rule`, for a modifier) for `thing`, with its
    confidence in percent and why; `text` is it as typed after `=`."""

    thing: Sighting
    confidence: int
    reason: str
    items: tuple[TypedIngredient, ...] = ()
    rule: RuleInput | None = None

    @property
    def text(self) -> str:
        if self.rule is not None:
            return _rule_text(self.rule)
        return " + ".join(f"{_quantity_text(i.quantity)} {quote(i.product)}" for i in self.items)


def guess(thing: Sighting, known: Known) -> Guess | None:
    """The best guess for one unmapped item or modifier, or None when there is no evidence."""
    if thing.kind is PosKind.ITEM:
        return _item(thing, known)
    return _modifier(thing, known)


def _words(text: str) -> list[str]:
    return name_key(text).replace("'", "").split()


def _item(thing: Sighting, known: Known) -> Guess | None:
    names = known.names
    same = known.recipes.get(name_key(thing.name))
    if same is not None and all(i.product_id in names for i in same.items):
        copied = tuple(
            TypedIngredient(_typed(i.quantity, i.serving_name, known), names[i.product_id])
            for i in same.items
        )
        return Guess(thing, SAME_NAME, "mapped so under the same name", items=copied)
    words = _words(thing.name)
    multiple = next((MULTIPLES[w] for w in words if w in MULTIPLES), None)
    guesses = guess_recipe(thing.name, known.products, known.servings)
    by_name = {p.name: p for p in known.products}
    parts: list[TypedIngredient] = []
    score, said, habit = Fraction(1), False, False
    for g in guesses:
        product = by_name[g.product]
        serving, named = g.quantity, name_key(g.quantity) in words
        usual = _usual_serving(product.id, known)
        if not named and usual is not None:
            serving, habit = usual, True
        if not serving:
            return None  # nothing to pour it by: a manager must say how much
        # A serving named like a multiple (`double` = 3 oz) already is the multiple.
        count = 1 if named and name_key(serving) in MULTIPLES else (multiple or 1)
        said = said or named or multiple is not None
        parts.append(TypedIngredient(_serving_times(count, serving), product.name))
        score = min(score, _match(thing.name, product))
    if not parts:
        return None
    confidence = 40 + int(35 * score) + 15 * said + 5 * habit
    unserved = sorted(w for w in words if w in SERVE_WORDS and not said)
    if unserved:
        confidence -= 25
    if thing.category and any(_same_category(thing.category, by_name[g.product]) for g in guesses):
        confidence += 5
    reason = "its name holds " + ", ".join(g.product for g in guesses)
    if unserved:
        reason += f"; no serving named {unserved[0]}"
    return Guess(thing, min(confidence, SAME_NAME - 1), reason, items=tuple(parts))


def _serving_times(count: int, serving: str) -> TypedQuantity:
    """`2 shot`; guess_recipe's `1 each` for counted goods becomes `2 each`."""
    return TypedQuantity(Fraction(count), "each" if serving == "1 each" else serving)


def _modifier(thing: Sighting, known: Known) -> Guess | None:
    same = known.rules.get(name_key(thing.name))
    if same is not None:
        rule = _rule_input(same, known)
        return Guess(thing, SAME_NAME, "a rule under the same name", rule=rule)
    words = set(_words(thing.name))
    for word, factor in MULTIPLES.items():
        if word in words:
            rule = MultiplyRule(Fraction(factor))
            return Guess(thing, 90 if factor == 2 else 85, f"says {word}", rule=rule)
    if words and words <= NO_POUR_WORDS:
        return Guess(thing, 70, "a serve or garnish: no pour", rule=PriceOnlyRule())
    guesses = guess_recipe(thing.name, known.products, known.servings)
    if not guesses:
        return None
    product = next(p for p in known.products if p.name == guesses[0].product)
    serving = _usual_serving(product.id, known) or guesses[0].quantity
    if not serving:
        return None
    confidence = 40 + int(20 * _match(thing.name, product))
    rule = AddRule(_serving_times(1, serving), product.name)
    return Guess(thing, confidence, f"its name holds {product.name}", rule=rule)


def _usual_serving(product_id: ProductId, known: Known) -> str | None:
    """The serving the venue's mappings pour this product with most often."""
    counts: dict[str, int] = {}
    for recipe in known.recipes.values():
        for item in recipe.items:
            if item.product_id == product_id and item.serving_name:
                counts[item.serving_name] = counts.get(item.serving_name, 0) + 1
    return max(sorted(counts), key=lambda s: counts[s]) if counts else None


def _match(name: str, product: Product) -> Fraction:
    """The share of the product's name words the POS name holds."""
    item = set(_words(name))
    words = _words(product.name)
    return Fraction(sum(1 for w in words if w in item), len(words)) if words else Fraction(0)


def _same_category(category: str, product: Product) -> bool:
    if not product.category:
        return False
    a, b = name_key(category), name_key(product.category)
    return a == b or a in b or b in a


def _typed(quantity: Quantity, serving: str | None, known: Known) -> TypedQuantity:
    """A stored quantity as a manager would type it: servings by name where exact."""
    size = known.sizes.get(serving) if serving else None
    if serving and size is not None and size.milli:
        times = Fraction(quantity.milli, size.milli)
        if (times * 1000).denominator == 1:
            return TypedQuantity(times, serving)
    return TypedQuantity(Fraction(quantity.milli, 1000), BASE_WORD[quantity.dimension.value])


def _rule_input(kind: RuleKind, known: Known) -> RuleInput:
    names = known.names
    if isinstance(kind, Multiply):
        return MultiplyRule(kind.factor)
    if isinstance(kind, Add):
        typed = _typed(kind.quantity, kind.serving_name, known)
        return AddRule(typed, names[kind.product_id])
    if isinstance(kind, Swap):
        return SwapRule(names[kind.from_product_id], names[kind.to_product_id])
    return PriceOnlyRule()


def _quantity_text(q: QuantityLike) -> str:
    return f"{number(q.amount)} {q.unit}" if q.unit else number(q.amount)


def _rule_text(rule: RuleInput) -> str:
    if isinstance(rule, MultiplyRule):
        return f"x{number(rule.factor)}"
    if isinstance(rule, AddRule):
        return f"+ {_quantity_text(rule.quantity)} {quote(rule.product)}"
    if isinstance(rule, SwapRule):
        return f"swap {quote(rule.from_product)} -> {quote(rule.to_product)}"
    return "price only"
