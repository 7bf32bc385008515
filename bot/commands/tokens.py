"""The lexical level of the grammar: a command line split into tokens, and the literal values they
spell (numbers, quantities, money, percentages, dates, times, Slack channels and users).

Tokens are words, quoted names (straight or curly, double or single quotes), the operators
`=`, `+`, `->` and `@`, and Slack's `<...>` mentions. Slack sends `&`, `<` and `>` typed by a user
as `&amp;`, `&lt;` and `&gt;`; they are decoded first, so `swap A -&gt; B` reads as `swap A -> B`.
Every failure raises `InvalidInput` naming what was wrong; the grammar adds the command's usage.
"""

import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from bot.commands.commands import ChannelRef, MoneyText, Period, PeriodKind, QuantityText, UserRef
from engine.errors import InvalidInput


class Kind(StrEnum):
    WORD = "word"
    QUOTED = "quoted"
    OP = "op"
    MENTION = "mention"


@dataclass(frozen=True, slots=True)
class Token:
    kind: Kind
    text: str  # without the quotes; an operator's canonical text; a mention's raw `<...>`
    spaced: bool = True  # whitespace (or the start of the line) stands before it

    def is_word(self, *words: str) -> bool:
        return self.kind is Kind.WORD and self.text.lower() in words

    def is_op(self, op: str) -> bool:
        return self.kind is Kind.OP and self.text == op


DOUBLE_QUOTES = '"“”„‟'
SINGLE_QUOTES = "'‘’‚‛"
_ENTITY = re.compile(r"&(lt|gt|amp);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&"}
_MENTION = re.compile(r"<[^<>\s][^<>]*>")
_OPS = (("->", "->"), ("→", "->"), ("=", "="), ("+", "+"))


def tokenize(text: str) -> tuple[Token, ...]:
    """Split a line into tokens. Raises InvalidInput for an unterminated quote."""
    s = _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], text)
    tokens: list[Token] = []
    i, spaced = 0, True
    while i < len(s):
        c = s[i]
        if c.isspace():
            i, spaced = i + 1, True
            continue
        if c in DOUBLE_QUOTES or c in SINGLE_QUOTES:
            end = _closing_quote(s, i)
            tokens.append(Token(Kind.QUOTED, " ".join(s[i + 1 : end].split()), spaced))
            i = end + 1
        elif c == "<" and (m := _MENTION.match(s, i)):
            tokens.append(_mention(m.group(), spaced))
            i = m.end()
        elif op := _op_at(s, i):
            tokens.append(Token(Kind.OP, op[1], spaced))
            i += len(op[0])
        else:
            j = i + 1
            while j < len(s) and not s[j].isspace() and not _op_at(s, j):
                j += 1
            tokens.append(Token(Kind.WORD, s[i:j], spaced))
            i = j
        spaced = False
    return tuple(tokens)


def _mention(raw: str, spaced: bool) -> Token:
    """`<#C...|name>` and `<@U...|name>` stay mentions; a link Slack made of typed text
    (`<http://tito.com|tito.com>`) is the word that was typed."""
    if raw.startswith(("<#", "<@")):
        return Token(Kind.MENTION, raw, spaced)
    inner = raw[1:-1]
    return Token(Kind.WORD, inner.partition("|")[2] or inner, spaced)


def _op_at(s: str, i: int) -> tuple[str, str] | None:
    for raw, op in _OPS:
        if s.startswith(raw, i):
            return raw, op
    # `@ $22` or `6@22` is the receive price; `@U0123ABC` or `@sam` is a user.
    if s[i] == "@" and not (i + 1 < len(s) and s[i + 1].isalpha()):
        return "@", "@"
    return None


def _closing_quote(s: str, start: int) -> int:
    """Index of the quote closing the one at `start`. A single quote closes only before a space,
    an operator or the end, so the apostrophe in 'Tito's Vodka' does not end the name."""
    double = s[start] in DOUBLE_QUOTES
    for j in range(start + 1, len(s)):
        if double and s[j] in DOUBLE_QUOTES:
            return j
        if not double and s[j] in SINGLE_QUOTES:
            after = j + 1
            if after == len(s) or s[after].isspace() or _op_at(s, after):
                return j
    raise InvalidInput(
        f"unterminated quote: {s[start:]!r} has no closing {s[start]}",
        hint='close a name with spaces in double quotes, e.g. stock "Tito\'s Vodka"',
    )


def join(tokens: tuple[Token, ...]) -> str:
    """The text of consecutive tokens, with single spaces where the user put space."""
    return "".join((" " if t.spaced and k else "") + t.text for k, t in enumerate(tokens))


class Cursor:
    """Tokens read left to right by the command parsers."""

    def __init__(self, tokens: tuple[Token, ...]) -> None:
        self._tokens = tokens
        self._i = 0

    def peek(self, ahead: int = 0) -> Token | None:
        k = self._i + ahead
        return self._tokens[k] if k < len(self._tokens) else None

    def next(self) -> Token | None:
        token = self.peek()
        if token is not None:
            self._i += 1
        return token

    def at_end(self) -> bool:
        return self._i >= len(self._tokens)

    def rest(self) -> tuple[Token, ...]:
        rest, self._i = self._tokens[self._i :], len(self._tokens)
        return rest

    def take_while(self, keep: Callable[[Token], bool]) -> tuple[Token, ...]:
        start = self._i
        while (token := self.peek()) is not None and keep(token):
            self._i += 1
        return self._tokens[start : self._i]

    def accept_word(self, *words: str) -> bool:
        token = self.peek()
        if token is not None and token.is_word(*words):
            self._i += 1
            return True
        return False

    def accept_op(self, op: str) -> bool:
        token = self.peek()
        if token is not None and token.is_op(op):
            self._i += 1
            return True
        return False

    def expect_end(self) -> None:
        if not self.at_end():
            raise InvalidInput(f"unexpected {join(self.rest())!r} at the end")


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


def is_number(token: Token | None) -> bool:
    return (
        token is not None and token.kind is Kind.WORD and NUMBER.fullmatch(token.text) is not None
    )


def read_number(cur: Cursor, what: str) -> Fraction:
    """A number, or a mixed number `1 1/2`."""
    token = cur.next()
    if token is None:
        raise InvalidInput(f"missing {what}")
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
    token = cur.peek()
    if token is None:
        raise InvalidInput(f"missing {what}")
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
    token = cur.next()
    if token is None:
        raise InvalidInput(f"missing {what}")
    text = token.text
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
    text = token.text.removesuffix("%")
    if token.kind is not Kind.WORD or not re.fullmatch(r"[0-9]{1,6}(?:\.[0-9]{1,4})?", text):
        raise InvalidInput(f"{what} {token.text!r} is not a percentage like 5%")
    if text == token.text:
        cur.accept_word("%")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise InvalidInput(f"{what} {token.text!r} is not a percentage like 5%") from None


# --- dates and times ----------------------------------------------------------------------------

_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
RELATIVE_PERIODS = {
    "today": PeriodKind.TODAY,
    "yesterday": PeriodKind.YESTERDAY,
    "week": PeriodKind.WEEK,
    "month": PeriodKind.MONTH,
}


def parse_date(text: str) -> dt.date:
    m = _DATE.fullmatch(text)
    if m is None:
        raise InvalidInput(f"{text!r} is not a date like 2026-11-21")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise InvalidInput(f"{text!r} is not a real date") from None


def looks_like_dates(text: str) -> bool:
    """Whether a word is meant as a date or a range (so a typo in it is an error, not a name)."""
    return ".." in text or _DATE.fullmatch(text) is not None


def parse_period(text: str, *, relative: bool) -> Period:
    """`2026-11-21` or `2026-11-01..2026-11-21`; with `relative` also today/yesterday/week/month."""
    key = text.lower()
    if relative and key in RELATIVE_PERIODS:
        return Period(RELATIVE_PERIODS[key])
    if ".." in text:
        first, _, last = text.partition("..")
        if not first or not last:
            raise InvalidInput(f"{text!r} is not a range like 2026-11-01..2026-11-21")
        start, end = parse_date(first), parse_date(last)
        if start > end:
            raise InvalidInput(f"the range {text!r} ends before it starts")
        return Period(PeriodKind.RANGE, start, end)
    day = parse_date(text)
    return Period(PeriodKind.DAY, day, day)


def parse_time(text: str) -> dt.time:
    m = re.fullmatch(r"([0-9]{1,2}):([0-9]{2})", text)
    if m is None or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise InvalidInput(f"{text!r} is not a time like 09:30 or 23:00 (HH:MM, 24-hour)")
    return dt.time(int(m.group(1)), int(m.group(2)))


# --- Slack channels and users -------------------------------------------------------------------

_CHANNEL_ID = r"[CG][A-Z0-9]{6,20}"
_USER_ID = r"[UW][A-Z0-9]{6,20}"
_CHANNEL_NAME = r"[a-z0-9][a-z0-9_-]{0,79}"


def parse_channel(token: Token) -> ChannelRef:
    """`C0123ABC`, `#C0123ABC`, `<#C0123ABC|bar-alerts>`, `<#C0123ABC>` or `#bar-alerts`."""
    text = token.text
    if token.kind is Kind.MENTION:
        m = re.fullmatch(rf"<#({_CHANNEL_ID})(?:\|([^<>|]*))?>", text)
        if m:
            return ChannelRef(m.group(1), m.group(2) or None)
    elif token.kind is Kind.WORD:
        if m := re.fullmatch(rf"#?({_CHANNEL_ID})", text):
            return ChannelRef(m.group(1), None)
        if m := re.fullmatch(rf"#({_CHANNEL_NAME})", text.lower()):
            return ChannelRef(None, m.group(1))
    raise InvalidInput(
        f"{text!r} is not a Slack channel",
        hint="use #channel-name, a channel id like C0123ABC, or pick the channel with #",
    )


def parse_user(token: Token) -> UserRef:
    """`U0123ABC`, `@U0123ABC`, `W0123ABC`, `<@U0123ABC|sam>` or `<@U0123ABC>`."""
    pattern = rf"<@({_USER_ID})(?:\|[^<>]*)?>" if token.kind is Kind.MENTION else rf"@?({_USER_ID})"
    m = re.fullmatch(pattern, token.text)
    if m is None or token.kind not in (Kind.MENTION, Kind.WORD):
        raise InvalidInput(
            f"{token.text!r} is not a Slack user",
            hint="mention them with @ (Slack sends <@U0123ABC>), or give a user id like U0123ABC",
        )
    return UserRef(m.group(1))
