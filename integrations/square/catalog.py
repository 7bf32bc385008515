"""A Square merchant's catalog as barback's menu (`engine.menu.Menu`), pure.

`GET /v2/catalog/list?types=ITEM,MODIFIER_LIST,CATEGORY` gives items with their variations (what
an order line's `catalog_object_id` names: barback's POS item), modifier lists with their
modifiers (a line modifier's `catalog_object_id`), and categories.

Decisions where Square's format leaves a choice:
- An item variation is shown as `Item (Variation)`, as an order line is (`normalize`), except
  that Square's default name for an item's only variation, `Regular`, is left out: a bar types
  `Tito's Shot`, not `Tito's Shot (Regular)`.
- An item's category is its reporting category, else its first category, else the legacy
  `category_id`; a modifier's is its modifier list's name.
- Objects of other types, or without the fields barback reads, are left out (and counted).
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.menu import MenuEntry
from engine.records import PosKind
from integrations.square import fields as f

DEFAULT_VARIATION = "regular"


def display_name(item: str, variation: str | None) -> str:
    """`Draft IPA (Pint)`; `Tito's Shot` for Square's default variation name `Regular`."""
    name, extra = item.strip(), (variation or "").strip()
    if not extra or extra.casefold() == DEFAULT_VARIATION:
        return name
    return f"{name} ({extra})"


def menu_entries(objects: Iterable[f.JsonObject]) -> tuple[list[MenuEntry], int]:
    """The menu's entries from catalog objects (any order, all pages), and how many objects
    were left out."""
    listed = list(objects)
    categories = {
        str(o.get("id")): str(data.get("name") or "")
        for o in listed
        if o.get("type") == "CATEGORY" and isinstance(data := o.get("category_data"), dict)
    }
    entries: list[MenuEntry] = []
    left_out = 0
    for o in listed:
        kind = o.get("type")
        if kind == "ITEM":
            found = _variations(o, categories)
        elif kind == "MODIFIER_LIST":
            found = _modifiers(o)
        elif kind == "CATEGORY":
            continue
        else:
            found = None
        if found is None:
            left_out += 1
        else:
            entries += found
    return entries, left_out


def _variations(item: f.JsonObject, categories: dict[str, str]) -> list[MenuEntry] | None:
    data = item.get("item_data")
    if not isinstance(data, dict) or not isinstance(data.get("name"), str):
        return None
    category = categories.get(_category_id(data) or "") or None
    entries = []
    for variation in data.get("variations") or []:
        if not isinstance(variation, dict) or not isinstance(variation.get("id"), str):
            continue
        vdata = variation.get("item_variation_data")
        vname = vdata.get("name") if isinstance(vdata, dict) else None
        name = display_name(data["name"], vname if isinstance(vname, str) else None)
        entries.append(MenuEntry(PosKind.ITEM, variation["id"], name, category))
    return entries


def _category_id(data: dict[str, object]) -> str | None:
    reporting = data.get("reporting_category")
    if isinstance(reporting, dict) and isinstance(reporting.get("id"), str):
        return str(reporting["id"])
    listed = data.get("categories")
    if isinstance(listed, list) and listed and isinstance(listed[0], dict):
        first = listed[0].get("id")
        if isinstance(first, str):
            return first
    legacy = data.get("category_id")
    return legacy if isinstance(legacy, str) else None


def _modifiers(modifier_list: f.JsonObject) -> list[MenuEntry] | None:
    data = modifier_list.get("modifier_list_data")
    if not isinstance(data, dict):
        return None
    group = data.get("name") if isinstance(data.get("name"), str) else None
    entries = []
    for modifier in data.get("modifiers") or []:
        if not isinstance(modifier, dict) or not isinstance(modifier.get("id"), str):
            continue
        mdata = modifier.get("modifier_data")
        name = mdata.get("name") if isinstance(mdata, dict) else None
        if isinstance(name, str) and name.strip():
            entries.append(MenuEntry(PosKind.MODIFIER, modifier["id"], name, group))
    return entries
