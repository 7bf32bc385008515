"""`menu import <file>`: a POS's menu from a CSV sheet or a JSON document (docs/bulk-setup.md).

CSV columns: `name` (required), `id`, `kind` (`item`, the default, or `modifier`), `category`
(an item's category, a modifier's group). JSON: `{"items": [{"id", "name", "category"}],
"modifiers": [{"id", "name", "group"}]}`, `provider` optional. An entry without an id is keyed by
its name, as barback's generic format keys a receipt line without one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import partial

from bot.commands.bulk.sheets import Row, read_sheet
from engine.catalog import name_key
from engine.errors import InvalidInput
from engine.menu import MENU_HINT, Menu, MenuEntry, checked_menu
from engine.records import PosKind
from engine.usecases.bulk import Problems

KINDS = {"item": PosKind.ITEM, "modifier": PosKind.MODIFIER, "": PosKind.ITEM}


def read_menu(data: bytes, file: str, provider: str) -> Menu:
    """The menu a file holds; raises `InvalidInput` naming every bad row or entry."""
    if file.lower().endswith(".json") or data.lstrip()[:1] == b"{":
        return _from_json(data, file, provider)
    rows = read_sheet(data, file, required=("name",), optional=("id", "kind", "category"))
    problems = Problems(file)
    entries = [e for row in rows if (e := problems.check(row.line, partial(_entry, row)))]
    problems.refuse_if_any()
    return _checked(provider, entries, file)


def _entry(row: Row) -> MenuEntry:
    kind = KINDS.get(row.get("kind").lower())
    if kind is None:
        raise InvalidInput(f"kind {row.get('kind')!r} is not item or modifier")
    name = row.get("name")
    if not name:
        raise InvalidInput("the name is empty")
    return MenuEntry(kind, row.get("id") or name_key(name), name, row.get("category") or None)


def _from_json(data: bytes, file: str, provider: str) -> Menu:
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise InvalidInput(f"{file} is not JSON ({error})", hint=MENU_HINT) from None
    if not isinstance(document, dict):
        raise InvalidInput(f"{file}: a menu is a JSON object with items and modifiers")
    chosen = document.get("provider", provider)
    if not isinstance(chosen, str):
        raise InvalidInput(f"{file}: provider must be a string")
    entries = [
        *_json_entries(document.get("items", []), PosKind.ITEM, "category", file),
        *_json_entries(document.get("modifiers", []), PosKind.MODIFIER, "group", file),
    ]
    return _checked(chosen, entries, file)


def _json_entries(raw: object, kind: PosKind, group: str, file: str) -> list[MenuEntry]:
    where = f"{file}: {kind.value}s"
    if not isinstance(raw, list):
        raise InvalidInput(f"{where} must be a list")
    entries = []
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            raise InvalidInput(f"{where}[{n}] must be an object")
        name, ident, category = entry.get("name"), entry.get("id"), entry.get(group)
        if not isinstance(name, str) or not isinstance(ident, str | None):
            raise InvalidInput(f"{where}[{n}] needs a name (and an id) as strings")
        if not isinstance(category, str | None):
            raise InvalidInput(f"{where}[{n}]: {group} must be a string")
        entries.append(MenuEntry(kind, ident or name_key(name), name, category))
    return entries


def _checked(provider: str, entries: Sequence[MenuEntry], file: str) -> Menu:
    try:
        return checked_menu(provider, entries)
    except InvalidInput as error:
        raise InvalidInput(f"{file}: {error.message}", hint=error.hint) from None
