"""The changing commands' parsers and rows of the command table: products, servings, mappings
and modifiers, and their removal (the catalog's life).

Separate from the reading, stock (`grammar_counting`) and settings commands so each module holds
one family of commands; these read quantities, money and recipes, the bulk of the grammar.
"""

from fractions import Fraction
from typing import get_args

from bot.commands import commands as c
from bot.commands.amounts import is_number, read_money, read_number, read_quantity
from bot.commands.arguments import (
    choice,
    expect_op,
    read_name,
    read_required_rest_name,
    read_word,
    starts_value,
)
from bot.commands.spec import Spec
from bot.commands.tokens import Cursor, Kind, Token, join
from engine.errors import InvalidInput

# --- products, servings, mappings ---------------------------------------------------------------

_OPTIONS = ("par", "reorder", "category", "vendor")
_FIELDS: dict[str, c.ProductField] = {f: f for f in get_args(c.ProductField)}


def _product_add(cur: Cursor) -> c.Command:
    name = read_name(cur, "product name", starts_value)
    container = read_quantity(cur, "container size", unit_needed=True, known_units_only=True)
    cost = read_money(cur, "cost per container")
    options: dict[str, Fraction | str] = {}
    while (token := cur.next()) is not None:
        key = choice(token.text, _OPTIONS, "option") if token.kind is Kind.WORD else None
        if key is None:
            raise InvalidInput(
                f"unexpected {token.text!r}: options are par, reorder, category, vendor"
            )
        if key in options:
            raise InvalidInput(f"{key} is given twice")
        if key in ("category", "vendor"):
            options[key] = read_name(cur, key, lambda t: t.is_word(*_OPTIONS))
        else:
            options[key] = read_number(cur, key)
    par, reorder, category, vendor = (options.get(k) for k in _OPTIONS)
    assert not isinstance(par, str) and not isinstance(reorder, str)
    assert category is None or isinstance(category, str)
    assert vendor is None or isinstance(vendor, str)
    return c.ProductAdd(name, container, cost, par, reorder, category, vendor)


def _product_set(cur: Cursor) -> c.Command:
    name = read_name(cur, "product name", lambda t: t.is_word(*_FIELDS))
    word = read_word(cur, "what to set (cost, par, reorder, container, category, vendor, shelf)")
    field = _FIELDS[choice(word, tuple(_FIELDS), "field")]
    value: c.MoneyText | Fraction | c.QuantityText | str
    if field == "cost":
        value = read_money(cur, "cost per container")
    elif field == "container":
        value = read_quantity(cur, "container size", unit_needed=True, known_units_only=True)
    elif field in ("category", "vendor"):
        return c.ProductSet(name, field, read_required_rest_name(cur, field))
    elif field == "shelf" and cur.accept_word("none"):
        value = "none"
    else:
        value = read_number(cur, "shelf position" if field == "shelf" else field)
    cur.expect_end()
    return c.ProductSet(name, field, value)


def _product_rename(cur: Cursor) -> c.Command:
    """`product rename "Titos" "Tito's Vodka"`, or `... titos to Tito's Vodka` (`->` too)."""
    name = read_name(cur, "product name", lambda t: t.is_word("to"))
    if not (cur.accept_word("to") or cur.accept_op("->")):
        cur.accept_op("=")
    return c.ProductRename(name, read_required_rest_name(cur, "new name"))


def _product_remove(cur: Cursor) -> c.Command:
    return c.ProductRemove(read_required_rest_name(cur, "product name"))


def _named_remove(cur: Cursor) -> Cursor | None:
    """`serving remove = 1 oz` sets a serving called "remove": with an `=` ahead, the word
    `remove` was a name, and a cursor reading it as one is returned (else None)."""
    ahead = 0
    while (token := cur.peek(ahead)) is not None:
        if token.is_op("="):
            return Cursor((Token(Kind.WORD, "remove"), *cur.rest()))
        ahead += 1
    return None


def _serving_remove(cur: Cursor) -> c.Command:
    if (named := _named_remove(cur)) is not None:
        return _serving(named)
    return c.ServingRemove(read_required_rest_name(cur, "serving name"))


def _modifier_remove(cur: Cursor) -> c.Command:
    if (named := _named_remove(cur)) is not None:
        return _modifier(named)
    return c.ModifierRemove(read_required_rest_name(cur, "modifier"))


def _serving(cur: Cursor) -> c.Command:
    name = read_name(cur, "serving name")
    expect_op(cur, "=", "serving name", name)
    quantity = read_quantity(cur, "serving quantity", unit_needed=True)
    cur.expect_end()
    return c.ServingSet(name, quantity)


def _ingredient(cur: Cursor) -> c.Ingredient:
    quantity = read_quantity(cur, "quantity")
    return c.Ingredient(quantity, read_name(cur, f"product after {quantity}"))


def _map(cur: Cursor) -> c.Command:
    pos_item = read_name(cur, "POS item")
    expect_op(cur, "=", "POS item", pos_item)
    items = [_ingredient(cur)]
    while cur.accept_op("+"):
        items.append(_ingredient(cur))
    if not cur.at_end():
        raise InvalidInput(f"unexpected {join(cur.rest())!r}: ingredients are joined with +")
    return c.Map(pos_item, tuple(items))


def _unmap(cur: Cursor) -> c.Command:
    return c.Unmap(read_required_rest_name(cur, "POS item"))


def _modifier(cur: Cursor) -> c.Command:
    modifier = read_name(cur, "modifier")
    expect_op(cur, "=", "modifier", modifier)
    token = cur.peek()
    rule: c.ModifierRule
    if token is None:
        raise InvalidInput("missing rule after '='")
    if multiply := _multiply(cur):
        rule = multiply
    elif cur.accept_op("+"):
        rule = c.Add(*_ingredient(cur))
    elif cur.accept_word("swap"):
        from_product = read_name(cur, "product to swap out")
        expect_op(cur, "->", "product to swap out", from_product)
        rule = c.Swap(from_product, read_name(cur, "product to swap in"))
    elif cur.accept_word("price-only") or (cur.accept_word("price") and cur.accept_word("only")):
        rule = c.PriceOnly()
    else:
        raise InvalidInput(f"unknown modifier rule {join(cur.rest())!r}")
    cur.expect_end()
    return c.ModifierRuleSet(modifier, rule)


def _multiply(cur: Cursor) -> c.Multiply | None:
    """`x2`, `X2`, `×1.5`, `*2` or `x 2`; None when the rule is not a multiplication."""
    token = cur.peek()
    if token is None or token.kind is not Kind.WORD or token.text[:1].lower() not in "x×*":
        return None
    glued = token.text[1:]
    if glued and not is_number(Token(Kind.WORD, glued)):
        return None
    cur.next()
    factor = read_number(Cursor((Token(Kind.WORD, glued),)) if glued else cur, "multiplier")
    if factor == 0:
        raise InvalidInput("the multiplier must be more than 0")
    return c.Multiply(factor)


CHANGING_SPECS: tuple[Spec, ...] = (
    Spec(
        c.ProductAdd,
        'product add "<name>" <container> <cost> [par <n>] [reorder <n>] [category <c>] '
        "[vendor <v>]",
        "a new product; par and reorder point in containers",
        ('product add "Tito\'s Vodka" 750ml $22.50 par 6 reorder 2 category vodka',),
        _product_add,
    ),
    Spec(
        c.ProductSet,
        'product set "<name>" cost|par|reorder|container|category|vendor|shelf <value>',
        "change one thing about a product, from now on (shelf: its place on the count sheet)",
        (
            'product set "Tito\'s Vodka" cost $21.75',
            "product set tito par 8",
            "product set tito category vodka",
            "product set tito container 1 l",
            "product set tito shelf 12",
        ),
        _product_set,
    ),
    Spec(
        c.ProductRename,
        'product rename "<name>" "<new name>"',
        "give a product a new name; its history follows it",
        ('product rename "Titos" "Tito\'s Vodka"', "product rename titos to Tito's Vodka"),
        _product_rename,
    ),
    Spec(
        c.ProductRemove,
        'product remove "<name>"',
        "take a product off the shelf for good; its history is kept",
        ('product remove "Tito\'s Vodka"',),
        _product_remove,
    ),
    Spec(
        c.ServingSet,
        "serving <name> = <quantity>",
        "a named standard amount for the venue",
        ("serving shot = 1.5 oz", "serving glass = 5 oz"),
        _serving,
    ),
    Spec(
        c.ServingRemove,
        "serving remove <name>",
        "stop offering a serving size (nothing may still pour it)",
        ("serving remove glass",),
        _serving_remove,
    ),
    Spec(
        c.Map,
        'map "<pos item>" = <quantity> <product> [+ <quantity> <product> ...]',
        "what one sale of a POS item depletes, from now on",
        (
            'map "Margarita" = 1.5 oz Milagro Blanco + 0.75 oz Cointreau + 1 oz Lime Juice',
            "map \"Tito's Shot\" = shot Tito's Vodka",
        ),
        _map,
    ),
    Spec(
        c.Unmap,
        'unmap "<pos item>"',
        "stop depleting it from now on",
        ('unmap "Margarita"',),
        _unmap,
    ),
    Spec(
        c.ModifierRuleSet,
        'modifier "<modifier>" = x<n> | + <quantity> <product> | swap <product> -> <product> '
        "| price only",
        "what a POS modifier does to a line's recipe",
        (
            'modifier "Double" = x2',
            'modifier "Cadillac" = + 0.5 oz Grand Marnier',
            'modifier "Top Shelf" = swap Milagro Blanco -> Patron Silver',
            'modifier "Salt Rim" = price only',
        ),
        _modifier,
    ),
    Spec(
        c.ModifierRemove,
        'modifier remove "<modifier>"',
        "end a modifier's rule: from now on it changes nothing",
        ('modifier remove "Double"',),
        _modifier_remove,
    ),
)
