"""Bulk set-up: `product import` and `map import`, all or nothing (issue 9).

Each import runs in ONE transaction. Every row is checked and applied in file order; a row the
rules refuse is noted with its line number and the import goes on checking, so the refusal at
the end names every bad row; then nothing is committed. A clean file commits every change with
one audit entry per product or mapping, exactly as the same commands typed one by one would.

Decisions where the rules are silent:
- A product row naming an existing product (case-insensitive) changes it to the row's values
  (cost and container forward only, like `product set`); the same values change nothing. So an
  export imported back, or an import run twice, changes nothing.
- A name listed twice in one file is refused on its second line.
- A mapping row with an `id` binds to that POS item of its `provider` (`generic` when none),
  recording it when barback has not seen it yet (a menu or export from elsewhere); without an
  id the `pos item` name is found like `map` finds it (a name no POS item carries yet is kept
  by name, `engine.identity`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Generic, TypeVar

from engine.catalog import Product, name_key
from engine.errors import EngineError, InvalidInput
from engine.identity import Arrival
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.records import GENERIC_PROVIDER, PosKind, PosThing
from engine.usecases.adopting import adoption_text, plan_for, write_adoptions
from engine.usecases.catalog import (
    TypedProduct,
    add_product_in,
    change_product_in,
    new_product,
)
from engine.usecases.common import Change, VenueRef, load_venue, require_actor
from engine.usecases.finding import pos_thing
from engine.usecases.inputs import IngredientLike
from engine.usecases.mapping import map_thing_in, recipe_items
from engine.usecases.modifiers import rule_kind, rule_thing_in
from engine.usecases.rules import RuleInput
from engine.venue import Venue

T = TypeVar("T")
SHOWN = 25


@dataclass
class Problems:
    """Bad rows of a file as they are found, `(line, reason)`; `refuse_if_any` raises one
    `InvalidInput` naming them all (the first `SHOWN`)."""

    file: str
    found: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: int, reason: str) -> None:
        self.found.append((line, reason))

    def check(self, line: int, read: Callable[[], T]) -> T | None:
        """`read()`, or None with the problem noted when the rules refuse it."""
        try:
            return read()
        except EngineError as error:
            self.add(line, error.message)
            return None

    def refuse_if_any(self) -> None:
        if not self.found:
            return
        found = sorted(self.found)
        lines = [f"line {line}: {reason}" for line, reason in found[:SHOWN]]
        if len(found) > SHOWN:
            lines.append(f"... and {len(found) - SHOWN} more")
        rows = len({line for line, _ in found})
        raise InvalidInput(
            f"{self.file}: {rows} bad row{'s' if rows != 1 else ''}, nothing was changed\n"
            + "\n".join(lines),
            hint="fix those rows and import the whole file again",
        )


@dataclass(frozen=True, slots=True)
class Numbered(Generic[T]):
    """A row's value with the line it came from."""

    line: int
    value: T


@dataclass(frozen=True, slots=True)
class MappingRow:
    """One row of `map import`: a mapping (`items`) or a modifier rule (`rule`)."""

    kind: PosKind
    pos_item: str
    """The name as seen (or the id), when `external_id` is empty."""
    items: Sequence[IngredientLike] = ()
    rule: RuleInput | None = None
    provider: str | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class BulkResult:
    file: str
    added: int
    changed: int
    unchanged: int
    notes: tuple[str, ...] = ()


async def import_products(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    rows: Sequence[Numbered[TypedProduct]],
    *,
    file: str,
    actor: str,
) -> BulkResult:
    """`product import <file.csv>`. Raises `InvalidInput` naming every bad row."""
    actor = require_actor(actor)
    now = clock.now()
    problems = Problems(file)
    added = changed = unchanged = 0
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        existing = {name_key(p.name): p for p in await uow.catalog.products(place.id)}
        first_line: dict[str, int] = {}
        for row in rows:
            typed, line = row.value, row.line
            key = name_key(typed.name)
            if key in first_line:
                problems.add(line, f"{typed.name!r} is listed on line {first_line[key]} too")
                continue
            first_line[key] = line
            try:
                new = new_product(typed, place, now)
            except EngineError as error:
                problems.add(line, error.message)
                continue
            old = existing.get(key)
            if old is None:
                await add_product_in(uow, place, typed, now=now, actor=actor)
                added += 1
                continue
            if new.dimension is not old.dimension:
                problems.add(
                    line, f"{old.name!r} is counted by {old.dimension}, not by {new.dimension}"
                )
                continue
            updated = replace(
                old,
                container_size=new.container_size,
                cost_per_container=new.cost_per_container,
                par=new.par,
                reorder_at=new.reorder_at,
                category=new.category,
                vendor=new.vendor,
            )
            fields = [f for f in PRODUCT_FIELDS if _differs(old, updated, f)]
            if not fields:
                unchanged += 1
                continue
            try:
                await change_product_in(uow, place, old, updated, fields, now=now, actor=actor)
            except EngineError as error:
                problems.add(line, error.message)
                continue
            changed += 1
        problems.refuse_if_any()
        await uow.commit()
    return BulkResult(file, added, changed, unchanged)


PRODUCT_FIELDS = ("container", "cost", "par", "reorder", "category", "vendor")
_ATTRIBUTES = {
    "container": "container_size",
    "cost": "cost_per_container",
    "par": "par",
    "reorder": "reorder_at",
    "category": "category",
    "vendor": "vendor",
}


def _differs(old: Product, new: Product, field_name: str) -> bool:
    attribute = _ATTRIBUTES[field_name]
    return bool(getattr(old, attribute) != getattr(new, attribute))


async def import_mappings(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    rows: Sequence[Numbered[MappingRow]],
    *,
    file: str,
    actor: str,
) -> BulkResult:
    """`map import <file.csv>`: mappings and modifier rules. Raises `InvalidInput` naming every
    bad row."""
    actor = require_actor(actor)
    now = clock.now()
    problems = Problems(file)
    added = changed = unchanged = 0
    notes: list[str] = []
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        seen: dict[tuple[PosKind, int], int] = {}
        for row in rows:
            try:
                thing = await _thing(uow, place, row.value, now, notes)
                key = (thing.kind, thing.id)
                if key in seen:
                    raise InvalidInput(f"{thing.name!r} is mapped on line {seen[key]} too")
                seen[key] = row.line
                change = await _apply(uow, place, thing, row.value, now, actor)
            except EngineError as error:
                problems.add(row.line, error.message)
                continue
            if change is None:
                unchanged += 1
            elif change.old is None:
                added += 1
            else:
                changed += 1
        problems.refuse_if_any()
        await uow.commit()
    return BulkResult(file, added, changed, unchanged, tuple(notes))


async def _thing(
    uow: UnitOfWork, place: Venue, row: MappingRow, now: datetime, notes: list[str]
) -> PosThing:
    if not row.external_id:
        return await pos_thing(uow, place, row.kind, row.pos_item, now, create=True)
    provider = (row.provider or GENERIC_PROVIDER).lower()
    arrival = Arrival(row.kind, provider, row.external_id, row.pos_item or row.external_id)
    adoptions = await plan_for(uow, place, [arrival])
    await write_adoptions(uow, place, adoptions, [], now)
    notes += [adoption_text(place, a) for a in adoptions]
    return await uow.pos.ensure(place.id, arrival, now)


async def _apply(
    uow: UnitOfWork, place: Venue, thing: PosThing, row: MappingRow, now: datetime, actor: str
) -> Change | None:
    """The row's mapping or rule from now on; None when it is the one in effect already."""
    if thing.kind is PosKind.ITEM:
        if row.rule is not None or not row.items:
            raise InvalidInput(f"{thing.name!r} is a POS item: its recipe is products")
        items = await recipe_items(uow, place, row.items, now)
        current = await uow.catalog.recipe(place.id, thing, now)
        if current is not None and tuple(current.items) == tuple(items):
            return None
        return await map_thing_in(uow, place, thing, items, now=now, actor=actor)
    if row.rule is None:
        raise InvalidInput(
            f"{thing.name!r} is a modifier: its rule is x<n>, + ..., swap or price only"
        )
    kind = await rule_kind(uow, place, row.rule, now)
    rule = await uow.catalog.rule(place.id, thing, now)
    if rule is not None and rule.kind == kind:
        return None
    return await rule_thing_in(uow, place, thing, kind, now=now, actor=actor)
