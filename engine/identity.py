"""Which POS item a mapping made by name belongs to: placeholders and their adoption.

A POS item or modifier is keyed by (provider, the POS's id) and shown by its current name. A bar
maps its menu before the POS has sold anything, by the names it knows; such a mapping (or modifier
rule) is kept on a *placeholder*: a `generic` thing keyed by the typed text's name key, marked
`by_name`. The first POS item (or modifier) of the venue that arrives with that name, from any
provider, adopts it: the placeholder's mapping versions become that item's, in the transaction
that books the sale (or records the menu) it arrived with, so that sale already depletes.

Decisions where the rules are silent:
- "With that name" compares name keys (casefolded, spaces collapsed). An arrival whose *id* has
  the typed text's key adopts too (a manager may type the POS's id before it is seen), after
  every arrival matching by name.
- Only an arrival with no mapping or rule of its own (none ever) adopts: its own wins.
- The first arrival in order takes it; a second POS item with the same name (another provider, a
  second location's copy) arrives unmapped and is listed by `unmapped`, where it is mapped by its
  id. Nothing is ever shared between two POS items.
- A `generic` receipt line without an id is keyed by its name key: it *is* the placeholder, which
  simply stops being one (no adoption to report).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from engine.catalog import ModifierId, ModifierRule, PosItemId, Recipe, name_key
from engine.catalog_view import CatalogHistory
from engine.receipt import Receipt
from engine.records import PosKind, PosThing


@dataclass(frozen=True, slots=True)
class Arrival:
    """A POS item or modifier as a receipt or a menu names it."""

    kind: PosKind
    provider: str
    external_id: str
    name: str

    @property
    def key(self) -> tuple[PosKind, str, str]:
        return (self.kind, self.provider, self.external_id)


@dataclass(frozen=True, slots=True)
class Adoption:
    """`arrival` takes the mapping (or rule) kept on `placeholder`, from `at` on."""

    placeholder: PosThing
    arrival: Arrival

    def describe(self, mapped_on: str | None = None) -> str:
        """`Tito's Shot (square SQ-TITO) took the mapping made by name on 2026-11-21`."""
        what = "mapping" if self.arrival.kind is PosKind.ITEM else "modifier rule"
        a = self.arrival
        when = f" on {mapped_on}" if mapped_on else ""
        return f"{a.name} ({a.provider} {a.external_id}) took the {what} made by name{when}"


def receipt_arrivals(receipts: Iterable[Receipt]) -> list[Arrival]:
    """Every item and modifier these receipts name, in order, each (provider, id) once: the
    latest name of an id wins (a rename on the POS)."""
    seen: dict[tuple[PosKind, str, str], Arrival] = {}
    for receipt in receipts:
        for line in receipt.lines:
            arrivals = [Arrival(PosKind.ITEM, receipt.provider, line.pos_item_id, line.name)]
            arrivals += [
                Arrival(PosKind.MODIFIER, receipt.provider, m.modifier_id, m.name)
                for m in line.modifiers
            ]
            for arrival in arrivals:
                seen.pop(arrival.key, None)
                seen[arrival.key] = arrival
    return list(seen.values())


def candidate_keys(arrivals: Iterable[Arrival]) -> dict[PosKind, set[str]]:
    """The placeholder keys these arrivals could adopt: their names' keys and their ids' keys."""
    keys: dict[PosKind, set[str]] = {PosKind.ITEM: set(), PosKind.MODIFIER: set()}
    for a in arrivals:
        keys[a.kind] |= {name_key(a.name), name_key(a.external_id)} - {""}
    return keys


def plan_adoptions(
    arrivals: Sequence[Arrival],
    placeholders: Iterable[PosThing],
    governed: Collection[tuple[PosKind, str, str]],
) -> tuple[Adoption, ...]:
    """Which arrival adopts which placeholder. `governed`: arrival keys that have a mapping or
    rule of their own (they adopt nothing). Each placeholder and each arrival at most once."""
    adoptions: list[Adoption] = []
    taken: set[tuple[PosKind, str, str]] = set()
    pending = sorted(
        (p for p in placeholders if p.by_name), key=lambda p: (p.kind.value, p.external_id)
    )
    for placeholder in pending:
        own = (placeholder.kind, placeholder.provider, placeholder.external_id)
        if own in {a.key for a in arrivals}:
            continue  # a generic line keyed by this very name: the placeholder itself arrived
        free = [
            a
            for a in arrivals
            if a.kind is placeholder.kind and a.key not in governed and a.key not in taken
        ]
        by_name = [a for a in free if name_key(a.name) == placeholder.external_id]
        by_id = [a for a in free if name_key(a.external_id) == placeholder.external_id]
        if candidates := by_name or by_id:
            taken.add(candidates[0].key)
            adoptions.append(Adoption(placeholder, candidates[0]))
    return tuple(adoptions)


def adopted_history(
    history: CatalogHistory, placeholders: CatalogHistory, adoptions: Iterable[Adoption]
) -> CatalogHistory:
    """`history` with the placeholders' mapping and rule versions re-keyed to their adopters'
    ids (and the costs of what they pour), as booking will find them once adopted."""
    to_item = {
        a.placeholder.external_id: PosItemId(a.arrival.external_id)
        for a in adoptions
        if a.arrival.kind is PosKind.ITEM
    }
    to_modifier = {
        a.placeholder.external_id: ModifierId(a.arrival.external_id)
        for a in adoptions
        if a.arrival.kind is PosKind.MODIFIER
    }
    recipes: list[Recipe] = [
        replace(r, pos_item_id=to_item[r.pos_item_id])
        for r in placeholders.recipes
        if r.pos_item_id in to_item
    ]
    rules: list[ModifierRule] = [
        replace(r, modifier_id=to_modifier[r.modifier_id])
        for r in placeholders.rules
        if r.modifier_id in to_modifier
    ]
    costs = {(c.product_id, c.valid_from): c for c in (*history.costs, *placeholders.costs)}
    return CatalogHistory(
        (*history.recipes, *recipes), (*history.rules, *rules), tuple(costs.values())
    )
