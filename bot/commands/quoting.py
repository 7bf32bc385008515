"""Writing a name so the grammar reads it back as exactly that name: for the commands barback
suggests (`next:` hints, buttons, the mapping modal's command), whatever the name holds.

A name is written in double quotes; a backslash or a double quote (straight or curly) in it is
escaped with a backslash, and an `&` is written `&amp;` where the name holds what would read as
one of Slack's entities (the tokenizer decodes `&amp;`, `&lt;` and `&gt;` before anything else).
"""

from __future__ import annotations

import re

from bot.commands.tokens import DOUBLE_QUOTES, Kind, Token, tokenize
from engine.errors import InvalidInput

_ENTITY = re.compile(r"&(lt|gt|amp);")
_SPECIAL = re.compile("([\\\\" + DOUBLE_QUOTES + "])")


def quote_name(name: str) -> str:
    """`name` (spaces collapsed) as one quoted token: `12" Pizza` -> `"12\\" Pizza"`."""
    wanted = " ".join(name.split())
    text = wanted.replace("&", "&amp;") if _ENTITY.search(wanted) else wanted
    quoted = '"' + _SPECIAL.sub(r"\\\1", text) + '"'
    if tokenize(quoted) != (Token(Kind.QUOTED, wanted, True),):  # pragma: no cover - a bug
        raise InvalidInput(f"the name {wanted!r} cannot be written in a command")
    return quoted
