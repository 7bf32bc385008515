"""Product search for the mapping modal's `external_select`: what a manager's typing finds."""

from __future__ import annotations

import difflib
from collections.abc import Sequence


def search_products(query: str, names: Sequence[str]) -> list[str]:
    """Names for a typed query: prefix matches, then containing, then close spellings."""
    wanted = query.strip().casefold()
    if not wanted:
        return sorted(names, key=str.casefold)
    prefix = [n for n in names if n.casefold().startswith(wanted)]
    inside = [n for n in names if wanted in n.casefold() and n not in prefix]
    close = [
        n
        for n in difflib.get_close_matches(query, names, n=10, cutoff=0.5)
        if n not in prefix and n not in inside
    ]
    return [*sorted(prefix, key=str.casefold), *sorted(inside, key=str.casefold), *close]
