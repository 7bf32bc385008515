"""The POS's menu: every item and modifier it can sell, known by id and name before it sells.

A menu comes from a POS's catalog (Square's, read when Square is connected, daily, and on its
`catalog.version.updated` webhook) or from a file (`menu import`, for any other POS). Recording
one makes its items and modifiers known (so a manager maps them by name before opening night),
adopts the placeholders mapped by those names (`engine.identity`), renames what the POS renamed,
and marks what is on the menu now, so `unmapped --all` can list what is on it and never sold.

Bounds (a menu file is outside input): ids and names of 1 to 255 characters, categories up to
200, at most `MAX_MENU_ENTRIES` items and modifiers together, ids unique per kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.errors import InvalidInput
from engine.identity import Arrival
from engine.records import PosKind

MAX_MENU_ENTRIES = 20_000
MAX_ID = 255
MAX_NAME = 255
MAX_CATEGORY = 200


@dataclass(frozen=True, slots=True)
class MenuEntry:
    """One item (a Square item *variation*, a Toast menu item ...) or modifier on the menu."""

    kind: PosKind
    external_id: str
    name: str
    category: str | None = None
    """The item's category, or the modifier's group (a Square modifier list)."""


@dataclass(frozen=True, slots=True)
class Menu:
    provider: str
    entries: tuple[MenuEntry, ...]

    @property
    def arrivals(self) -> list[Arrival]:
        return [Arrival(e.kind, self.provider, e.external_id, e.name) for e in self.entries]

    def of(self, kind: PosKind) -> tuple[MenuEntry, ...]:
        return tuple(e for e in self.entries if e.kind is kind)


@dataclass(frozen=True, slots=True)
class MenuResult:
    """What recording a menu changed."""

    provider: str
    items: int
    modifiers: int
    new: int
    renamed: int
    off_menu: int
    """Known items and modifiers of this provider the menu no longer lists."""
    adopted: tuple[str, ...] = ()
    """Each adoption, as a sentence (`engine.usecases.adopting.adoption_text`)."""


def checked_menu(provider: str, entries: Iterable[MenuEntry]) -> Menu:
    """A menu within bounds, names trimmed and spaces collapsed; raises `InvalidInput` naming
    every problem (the first 20)."""
    problems: list[str] = []
    kept: list[MenuEntry] = []
    seen: set[tuple[PosKind, str]] = set()
    for n, entry in enumerate(entries, start=1):
        ident = entry.external_id.strip()
        name = " ".join(entry.name.split())
        category = " ".join((entry.category or "").split()) or None
        where = f"{entry.kind.value} {n}"
        if not 0 < len(ident) <= MAX_ID:
            problems.append(f"{where}: an id of 1 to {MAX_ID} characters is needed")
        elif (entry.kind, ident) in seen:
            problems.append(f"{where}: id {ident!r} is listed twice")
        if not 0 < len(name) <= MAX_NAME:
            problems.append(f"{where}: a name of 1 to {MAX_NAME} characters is needed")
        if category is not None and len(category) > MAX_CATEGORY:
            problems.append(f"{where}: a category has at most {MAX_CATEGORY} characters")
        seen.add((entry.kind, ident))
        kept.append(MenuEntry(entry.kind, ident, name, category))
    if len(kept) > MAX_MENU_ENTRIES:
        problems.insert(0, f"a menu holds at most {MAX_MENU_ENTRIES:,} items and modifiers")
    if not provider.strip() or len(provider) > 32:
        problems.insert(0, "a menu needs a provider name of 1 to 32 characters")
    if problems:
        shown = "; ".join(problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise InvalidInput(f"the menu was not recorded: {shown}{more}", hint=MENU_HINT)
    return Menu(provider.strip().lower(), tuple(kept))


MENU_HINT = "see `barback menu import --help` for the format"
