"""`review` and `review accept`: the queue of what the POS sells without a mapping, each with the
engine's best guess (`engine.review`), and mapping from it.

The queue holds the unmapped tally (what sold, most sold first) and what is on the POS's menu
and never sold, each once; entries with a guess come first, most confident first. Accepting maps
exactly the guessed text, as if the manager had typed it after `map "<item>" =` (or `modifier`),
all accepted entries in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from engine.catalog import name_key
from engine.errors import Ambiguous, InvalidInput, NotFound
from engine.identity import Arrival
from engine.ports import Clock, UnitOfWork, UnitOfWorkFactory
from engine.records import PosKind, Sighting
from engine.review import Guess, Known, guess
from engine.usecases.common import Change, VenueRef, load_venue, require_actor
from engine.usecases.mapping import map_thing_in, recipe_items
from engine.usecases.modifiers import rule_kind, rule_thing_in
from engine.venue import Venue


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    thing: Sighting
    guess: Guess | None


@dataclass(frozen=True, slots=True)
class ReviewReport:
    venue: Venue
    entries: tuple[ReviewEntry, ...]


async def review(uow_factory: UnitOfWorkFactory, clock: Clock, venue: VenueRef) -> ReviewReport:
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        entries = await queue(uow, place, clock.now())
    return ReviewReport(place, entries)


async def queue(uow: UnitOfWork, place: Venue, now: datetime) -> tuple[ReviewEntry, ...]:
    sold = await uow.queries.unmapped(place.id)
    menu = await uow.queries.never_sold(place.id)
    things: dict[tuple[PosKind, str, str], Sighting] = {}
    for s in (*sold, *menu):
        things.setdefault((s.kind, s.provider, s.external_id), s)
    items, rules = await uow.queries.mappings(place.id, now)
    known = Known(
        recipes={name_key(m.pos_item.name): m.recipe for m in items},
        rules={name_key(r.modifier.name): r.rule.kind for r in rules},
        products=await uow.catalog.products(place.id),
        servings=await uow.catalog.servings(place.id, now),
    )
    entries = [ReviewEntry(s, guess(s, known)) for s in things.values()]
    entries.sort(
        key=lambda e: (e.guess is None, -(e.guess.confidence if e.guess else 0), -e.thing.seen)
    )
    return tuple(entries)


async def accept(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    venue: VenueRef,
    *,
    name: str | None = None,
    above: Fraction | None = None,
    actor: str,
) -> tuple[Change, ...]:
    """`review accept <item>` (by name or id) or `review accept all above <n>%` (confidence
    strictly above n): map from the guesses, in one transaction. Raises `NotFound` (no such
    entry, or nothing above n), `Ambiguous`, `InvalidInput` (an entry without a guess)."""
    actor = require_actor(actor)
    now = clock.now()
    async with uow_factory() as uow:
        place = await load_venue(uow, venue)
        entries = await queue(uow, place, now)
        chosen = _chosen(entries, name, above)
        changes = tuple([await _apply(uow, place, g, now, actor) for g in chosen])
        await uow.commit()
    return changes


def _chosen(
    entries: Sequence[ReviewEntry], name: str | None, above: Fraction | None
) -> list[Guess]:
    if name is None:
        limit = above or Fraction(0)
        found = [e.guess for e in entries if e.guess is not None and e.guess.confidence > limit]
        if not found:
            raise NotFound(f"no guess in the review queue is above {limit}%", hint="see `review`")
        return found
    key = name_key(name)
    matching = [
        e for e in entries if key in (name_key(e.thing.name), name_key(e.thing.external_id))
    ]
    if not matching:
        raise NotFound(f"{name!r} is not in the review queue", hint="see `review`")
    if len(matching) > 1:
        raise Ambiguous(
            f"{len(matching)} entries of the review queue are named {name!r}",
            sorted(f"{e.thing.external_id} ({e.thing.provider})" for e in matching),
        )
    (entry,) = matching
    if entry.guess is None:
        raise InvalidInput(
            f"barback has no guess for {entry.thing.name!r}",
            hint=f'map it yourself: map "{entry.thing.name}" = <quantity> <product>',
        )
    return [entry.guess]


async def _apply(uow: UnitOfWork, place: Venue, g: Guess, now: datetime, actor: str) -> Change:
    t = g.thing
    thing = await uow.pos.ensure(place.id, Arrival(t.kind, t.provider, t.external_id, t.name), now)
    if g.rule is not None:
        kind = await rule_kind(uow, place, g.rule, now)
        return await rule_thing_in(uow, place, thing, kind, now=now, actor=actor)
    items = await recipe_items(uow, place, g.items, now)
    return await map_thing_in(uow, place, thing, items, now=now, actor=actor)
