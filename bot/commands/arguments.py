"""The argument readers every family of commands shares: names (quoted, or unquoted up to a
stop), single words, operators and a choice among a few words.

Shared by `grammar_reading`, `grammar_changing` and `grammar_settings`, so a name or an operator
reads and fails the same way in every command.
"""

import difflib
from collections.abc import Callable

from bot.commands.amounts import CURRENCY_SYMBOLS, is_signed
from bot.commands.tokens import Cursor, Kind, Token, join
from engine.errors import InvalidInput


def read_name(cur: Cursor, what: str, stop: Callable[[Token], bool] = lambda t: False) -> str:
    """A quoted name, or unquoted words up to an operator, a quoted token or `stop`."""
    token = cur.peek()
    if token is not None and token.kind is Kind.QUOTED:
        cur.next()
        name = token.text
    else:
        # A first word such as `nan` or `inf` starts a name (`count nan 3`); later, it is a value.
        first = token is not None and token.text[:1].isalpha() and is_signed(token)
        taken = cur.take_while(
            lambda t: (
                t.kind in (Kind.WORD, Kind.MENTION) and ((first and t is token) or not stop(t))
            )
        )
        name = join(taken)
    if not name:
        raise InvalidInput(f"missing {what}")
    return name


def read_rest_name(cur: Cursor, what: str) -> str | None:
    """A name that ends the line: one quoted name, or every remaining word."""
    tokens = cur.rest()
    if not tokens:
        return None
    if tokens[0].kind is Kind.QUOTED:
        if len(tokens) > 1:
            raise InvalidInput(f"unexpected {join(tokens[1:])!r} after the {what}")
        if not tokens[0].text:
            raise InvalidInput(f"the {what} is empty")
        return tokens[0].text
    if quoted := [t for t in tokens if t.kind is Kind.QUOTED]:
        raise InvalidInput(f"unexpected quote around {quoted[0].text!r} in the {what}")
    return join(tokens)


def read_required_rest_name(cur: Cursor, what: str) -> str:
    name = read_rest_name(cur, what)
    if name is None:
        raise InvalidInput(f"missing {what}")
    return name


def starts_value(token: Token) -> bool:
    """A word that starts a number or an amount (a negative or non-finite one too, refused where
    it is read): where an unquoted product name stops."""
    return token.kind is Kind.WORD and (
        token.text[:1] in "0123456789." + CURRENCY_SYMBOLS or is_signed(token)
    )


def read_word(cur: Cursor, what: str) -> str:
    token = cur.next()
    if token is None:
        raise InvalidInput(f"missing {what}")
    return token.text


def expect_op(cur: Cursor, op: str, what: str, name: str) -> None:
    if not cur.accept_op(op):
        token = cur.peek()
        found = f", found {token.text!r}" if token is not None else ""
        raise InvalidInput(f"missing '{op}' after the {what} {name!r}{found}")


def choice(word: str, choices: tuple[str, ...], what: str, *, listed: bool = True) -> str:
    """One of a few words, any case; else the closest (or, if `listed`, all of them) as the hint."""
    key = word.lower()
    if key in choices:
        return key
    close = difflib.get_close_matches(key, choices, n=1)
    listing = "use " + ", ".join(choices) if listed else None
    raise InvalidInput(
        f"unknown {what} {word!r}", hint=f"did you mean: {close[0]}" if close else listing
    )
