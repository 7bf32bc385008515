"""Finding a thing by the name a manager typed: case-insensitive, an unambiguous prefix is enough.

Decisions where the rules are silent:
- An exact (casefolded, spaces collapsed) match always wins, even when it is also a prefix of
  others (`tito` finds "Tito" over "Tito's Vodka").
- Otherwise a unique prefix wins; if none, a unique match at the start of a later word does
  (`silver` finds "Patron Silver"); several matches at one stage are `Ambiguous`, listing them.
- Nothing found is `NotFound`, with up to three close names (difflib) as the hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import TypeVar

from engine.catalog import name_key
from engine.errors import Ambiguous, NotFound

T = TypeVar("T")


def match_name(query: str, candidates: Iterable[str], *, what: str = "product") -> str:
    """The one candidate `query` names; raises `Ambiguous` or `NotFound`."""
    return match(query, {name: name for name in candidates}, what=what)


def match(query: str, candidates: Mapping[str, T], *, what: str = "product") -> T:
    """The value whose name `query` names, from a name -> value mapping."""
    key = name_key(query)
    if not key:
        raise NotFound(f"no {what} named {query!r}", hint=f"name a {what}")
    keyed = [(name_key(name), name) for name in candidates]
    stages = (
        [name for k, name in keyed if k == key],
        [name for k, name in keyed if k.startswith(key)],
        [name for k, name in keyed if any(w.startswith(key) for w in _later_words(k))],
    )
    for found in stages:
        if len(found) == 1:
            return candidates[found[0]]
        if found:
            names = sorted(found, key=str.casefold)
            raise Ambiguous(f"{query!r} matches {len(names)} {what}s", names)
    close = difflib.get_close_matches(key, [k for k, _ in keyed], n=3, cutoff=0.5)
    by_key = dict(keyed)
    hint = "did you mean " + " or ".join(repr(by_key[k]) for k in close) + "?" if close else None
    raise NotFound(f"no {what} named {query!r}", hint=hint)


def _later_words(key: str) -> list[str]:
    words = key.split(" ")
    return [" ".join(words[i:]) for i in range(1, len(words))]
