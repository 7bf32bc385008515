"""The lexical level of the grammar: a command line split into tokens, and the `Cursor` the
command parsers read them with.

Tokens are words, quoted names (straight or curly, double or single quotes; inside double
quotes a backslash escapes the next character: `"The \\"Best\\" Rum"` is The "Best" Rum), the
operators `=`, `+`, `->` and `@`, and Slack's `<...>` mentions. Slack sends `&`, `<` and `>`
typed by a user as `&amp;`, `&lt;` and `&gt;`; they are decoded first, so `swap A -&gt; B` reads
as `swap A -> B`.
Every failure raises `InvalidInput` naming what was wrong; the grammar adds the command's usage.
The literal values tokens spell are read in `amounts`, `dates` and `slack_refs`.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

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
# Inside double quotes, a backslash keeps the next character as it is: `"12\" Pizza"`.
_ESCAPED = re.compile(r"\\(.)")
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
            inner = s[i + 1 : end]
            if c in DOUBLE_QUOTES:
                inner = _ESCAPED.sub(lambda m: m.group(1), inner)
            tokens.append(Token(Kind.QUOTED, " ".join(inner.split()), spaced))
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
    escaped = False
    for j in range(start + 1, len(s)):
        if double and escaped:
            escaped = False
            continue
        if double and s[j] == "\\":
            escaped = True
            continue
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
