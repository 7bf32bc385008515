"""Modifiers from line-item `properties`: barback's convention for Shopify shops.

Shopify has no modifier object (pos-formats.md §4.5). A shop whose POS records "salt rim" or
"double" on the drink itself does so with line-item properties, and this is how barback reads
them:

- A property is a modifier property when its name, ignoring case and a trailing number, is
  `Modifier` or `Modifiers` (so `Modifier`, `modifiers`, `Modifier 2`); other names are notes
  (`Table`, `Server`) and are ignored, as are private properties (names starting with `_`,
  which Shopify hides from customers).
- Its value names one modifier or several separated by commas: `Salt rim, Double`.
- A name may start with a count, `2x Lime` or `2 x Lime`: that many per unit of the line
  (barback's rule for modifiers, as with Square). Without one it is 1.
- A modifier is keyed by its casefolded name (`salt rim`), like the generic format's modifiers
  without an id; the same name twice on one line adds up.

Shops that sell add-ons as their own line items ("Extra shot" as a product) need nothing here:
those lines are items, mapped in barback like any other. Bundle components
(`sales_line_item_group_id`) arrive as ordinary line items too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from engine.catalog import ModifierId, name_key
from engine.receipt import ModifierLine
from integrations.errors import BadPayload
from integrations.shopify import fields as f
from integrations.shopify.limits import MAX_MODIFIERS, MAX_QUANTITY

MODIFIER_PROPERTIES = ("Modifier", "Modifiers")
_TRAILING_NUMBER = re.compile(r"\s*\d+$")
_COUNT = re.compile(r"^(\d{1,5})\s*[x×]\s+(\S.*)$", re.IGNORECASE)


def modifier_names(names: Iterable[str] = MODIFIER_PROPERTIES) -> frozenset[str]:
    """The property names, as `modifiers_of` compares them."""
    return frozenset(_base(name) for name in names if _base(name))


def modifiers_of(
    properties: Sequence[tuple[str, f.JsonObject]], names: frozenset[str], where: str
) -> tuple[ModifierLine, ...]:
    """The modifiers a line item's properties name, in the order they appear."""
    counts: dict[str, tuple[str, int]] = {}
    for path, prop in properties:
        name = f.opt_text(prop, "name", path) or ""
        if name.startswith("_") or _base(name) not in names:
            continue
        value = prop.get("value")
        if value is None:
            continue
        if not isinstance(value, str):
            raise BadPayload(f"{path}.value must be a string")
        for piece in value.split(","):
            parsed = _modifier(piece, path)
            if parsed is None:
                continue
            label, quantity = parsed
            key = name_key(label)
            first, before = counts.get(key, (label, 0))  # the first spelling names it
            counts[key] = (first, before + quantity)
            if len(counts) > MAX_MODIFIERS:
                raise BadPayload(f"{where} names more than {MAX_MODIFIERS} modifiers")
    return tuple(
        ModifierLine(ModifierId(key), label, quantity * 1000)
        for key, (label, quantity) in counts.items()
    )


def _modifier(piece: str, where: str) -> tuple[str, int] | None:
    text = " ".join(piece.split())
    if not text:
        return None
    counted = _COUNT.match(text)
    if counted is None:
        return text, 1
    quantity = int(counted.group(1))
    if not 0 < quantity <= MAX_QUANTITY:
        raise BadPayload(f"{where}.value counts {quantity} of {counted.group(2)!r}")
    return counted.group(2), quantity


def _base(name: str) -> str:
    return _TRAILING_NUMBER.sub("", name.strip()).casefold()
