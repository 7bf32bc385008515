"""The amounts a command line spells: numbers, quantities with their units, money and
percentages, each read from a `Cursor`.

Separate from the lexer (`tokens`) because this is where the unit words and number formats the
engine accepts are known. Every failure raises `InvalidInput` naming what was wrong.
"""

import difflib
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from bot.commands.commands import MoneyText, QuantityText
from bot.commands.tokens import Cursor, Kind, Token, join, tokenize
from engine.errors import InvalidInput

# --- numbers and quantities ---------------------------------------------------------------------

_NUM = r"(?:[0-9]{1,15}(?:\.[0-9]{0,6})?|\.[0-9]{1,6}|[0-9]{1,9}/[0-9]{1,9})"
NUMBER = re.compile(_NUM)
_GLUED = re.compile(rf"(?P<num>{_NUM})(?P<unit>[^\W\d_][\w.'’-]*)")

# Unit words the engine knows (`engine.units.UNITS`), to their canonical spelling.
UNIT_ALIASES: dict[str, str] = {
    **dict.fromkeys(("oz", "ounce", "ounces", "floz", "fl.oz"), "oz"),
    **dict.fromkeys(("ml", "milliliter", "milliliters", "millilitre", "millilitres"), "ml"),
    **dict.fromkeys(("cl", "centiliter", "centiliters", "centilitre", "centilitres"), "cl"),
    **dict.fromkeys(("l", "liter", "liters", "litre", "litres"), "l"),
    **dict.fromkeys(("bbl", "barrel", "barrels"), "bbl"),
    **dict.fromkeys(("gal", "gallon", "gallons"), "gal"),
    **dict.fromkeys(("each", "ea"), "each"),
    **dict.fromkeys(("g", "gram", "grams"), "g"),
    **dict.fromkeys(("kg", "kilogram", "kilograms"), "kg"),
    **dict.fromkeys(("lb", "lbs", "pound", "pounds"), "lb"),
}
# Words meaning "whole containers of the product": `count tito 3 bottles` is `count tito 3`.
CONTAINER_WORDS = frozenset(("bottle", "bottles", "btl", "container", "containers"))


# A sign or a non-finite number where an amount belongs: refused as "must be more than zero"
# rather than read as part of a name ("count tito -3" is not a product called "tito -3").
_SIGNED = re.compile(r"[-−][0-9.].*|[+-−]?(?:inf|infinity|nan|∞)", re.IGNORECASE)


def is_signed(token: Token | None) -> bool:
    """A negative or non-finite number: `-3`, `-.5`, `-2oz`, `inf`, `NaN`, `∞`."""
    return (
        token is not None and token.kind is Kind.WORD and _SIGNED.fullmatch(token.text) is not None
    )


def refuse_signed(token: Token, what: str) -> None:
    if is_signed(token):
        raise InvalidInput(f"{what} {token.text!r} must be more than zero")


def quoted_value(cur: Cursor) -> Cursor | None:
    """A quoted token that holds an amount (`"750 ml"`, `"$22.50"`, as a shell user quotes one)
    taken from `cur`, as a cursor over its own tokens; None when the next token is not one."""
    token = cur.peek()
    if token is None or token.kind is not Kind.QUOTED:
        return None
    first = token.text[:1]
    if not (first.isdigit() or first in ".-−" + CURRENCY_SYMBOLS):
        return None
    cur.next()
    return Cursor(tokenize(token.text))


def _whole(inner: Cursor, what: str, example: str) -> None:
    if not inner.at_end():
        raise InvalidInput(f"{what} {join(inner.rest())!r} is not like {example}")


def is_number(token: Token | None) -> bool:
    return (
        token is not None and token.kind is Kind.WORD and NUMBER.fullmatch(token.text) is not None
    )


def read_number(cur: Cursor, what: str) -> Fraction:
    """A number, or a mixed number `1 1/2`."""
    if (inner := quoted_value(cur)) is not None:
        value = read_number(inner, what)
        _whole(inner, what, "3 or 1.5")
        return value
    token = cur.next()
    if token is None:
        raise InvalidInput(f"missing {what}")
    refuse_signed(token, what)
    if token.kind is not Kind.WORD or not NUMBER.fullmatch(token.text):
        raise InvalidInput(f"{what} {token.text!r} is not a number")
    value = _fraction(token.text, what)
    following = cur.peek()
    if (
        value.denominator == 1
        and "/" not in token.text
        and "." not in token.text
        and following is not None
        and is_number(following)
        and "/" in following.text
    ):
        cur.next()
        value += _fraction(following.text, what)
    return value


def _fraction(text: str, what: str) -> Fraction:
    try:
        return Fraction(text)
    except ZeroDivisionError:
        raise InvalidInput(f"{what} {text!r} divides by zero") from None


def read_quantity(
    cur: Cursor,
    what: str,
    *,
    unit_needed: bool = False,
    known_units_only: bool = False,
    zero_allowed: bool = False,
) -> QuantityText:
    """`1.5 oz`, `1.5oz`, `1 1/2 oz`, `750ml`, `1/2 bbl`, `2 shot`, `shot`, or a bare number.

    The word right after a number is its unit: a unit word, a container word (`bottles`), or else a
    serving-size name. A bare number (no word after it) is whole containers, unless `unit_needed`.
    With `known_units_only` (a container size) the unit must be a unit word the engine knows.
    """
    if (inner := quoted_value(cur)) is not None:
        quantity = read_quantity(
            inner,
            what,
            unit_needed=unit_needed,
            known_units_only=known_units_only,
            zero_allowed=zero_allowed,
        )
        _whole(inner, what, "1.5 oz or 750ml")
        return quantity
    token = cur.peek()
    if token is None:
        raise InvalidInput(f"missing {what}")
    refuse_signed(token, what)
    if token.kind is Kind.WORD and (m := _GLUED.fullmatch(token.text)):
        cur.next()
        amount = _fraction(m.group("num"), what)
        unit: str | None = m.group("unit")
    elif is_number(token):
        amount = read_number(cur, what)
        after = cur.peek()
        unit = None
        if after is not None and after.kind is Kind.WORD and after.text[:1].isalpha():
            unit = after.text
            cur.next()
    elif token.kind is Kind.WORD and token.text[:1].isalpha() and not known_units_only:
        cur.next()  # a serving-size name alone: one serving
        amount, unit = Fraction(1), token.text
    else:
        raise InvalidInput(f"{what} {token.text!r} is not a quantity like 1.5 oz or 750ml")
    if unit is not None:
        unit = _unit_word(unit, cur, what, known_units_only=known_units_only)
    if unit is None and unit_needed:
        raise InvalidInput(f"{what} {str(amount)!r} needs a unit, like 750 ml or 1.5 oz")
    if amount < 0 or (amount == 0 and not zero_allowed):
        raise InvalidInput(f"{what} must be more than 0")
    return QuantityText(amount, unit)


def _unit_word(word: str, cur: Cursor, what: str, *, known_units_only: bool) -> str | None:
    key = word.lower().rstrip(".")
    if key == "fl":
        following = cur.peek()
        if following is not None and following.is_word("oz", "oz.", "ounce", "ounces"):
            cur.next()
            return "oz"
    if key in UNIT_ALIASES:
        return UNIT_ALIASES[key]
    if key in CONTAINER_WORDS and not known_units_only:
        return None
    if known_units_only:
        close = difflib.get_close_matches(key, list(UNIT_ALIASES), n=1)
        hint = f"did you mean: {UNIT_ALIASES[close[0]]}" if close else None
        raise InvalidInput(
            f"unknown unit {word!r} in {what}",
            hint=hint or "use ml, cl, l, oz, gal, bbl, each, g, kg or lb",
        )
    return word  # a serving-size name, resolved by the engine


# --- money and percentages ----------------------------------------------------------------------

CURRENCY_SYMBOLS = "$€£¥"
_MONEY = re.compile(
    rf"(?P<pre>[{CURRENCY_SYMBOLS}])?"
    r"(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]{1,3})?|[0-9]{1,12}(?:\.[0-9]{1,3})?|\.[0-9]{1,3})"
    rf"(?P<post>[{CURRENCY_SYMBOLS}])?"
)


def read_money(cur: Cursor, what: str) -> MoneyText:
    """`$22.50`, `22.50`, `€9`, `9€`, `$ 9`, `1,200.00`: never negative, at most 3 decimals."""
    if (inner := quoted_value(cur)) is not None:
        money = read_money(inner, what)
        _whole(inner, what, "$22.50")
        return money
    token = cur.next()
    if token is None:
        raise InvalidInput(f"missing {what}")
    text = token.text
    refuse_signed(Token(Kind.WORD, text.lstrip(CURRENCY_SYMBOLS)), what)
    if token.kind is Kind.WORD and text in CURRENCY_SYMBOLS and (after := cur.peek()) is not None:
        cur.next()
        text += after.text
    m = _MONEY.fullmatch(text) if token.kind is Kind.WORD else None
    if m is None or (m.group("pre") and m.group("post")):
        raise InvalidInput(f"{what} {text!r} is not an amount of money like $22.50")
    return MoneyText(Decimal(m.group("num").replace(",", "")), m.group("pre") or m.group("post"))


def read_percent(cur: Cursor, what: str) -> Decimal:
    """`5%`, `5 %`, `12.5%` or `5` -> Decimal("5")."""
    token = cur.next()
    if token is None:
        raise InvalidInput(f"missing {what}")
    refuse_signed(Token(Kind.WORD, token.text.removesuffix("%")), what)
    text = token.text.removesuffix("%")
    if token.kind is not Kind.WORD or not re.fullmatch(r"[0-9]{1,6}(?:\.[0-9]{1,4})?", text):
        raise InvalidInput(f"{what} {token.text!r} is not a percentage like 5%")
    if text == token.text:
        cur.accept_word("%")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise InvalidInput(f"{what} {token.text!r} is not a percentage like 5%") from None
