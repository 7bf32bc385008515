"""Finding a POS item or modifier by what a manager typed: its id, or its name as seen.

Decisions where the rules are silent:
- An exact id (as the POS gives it) wins; then the name, case-insensitively, an unambiguous
  prefix being enough (`engine.names.match`).
- Several POS things behind one id or one name (two providers) are `Ambiguous`; the candidates
  are their ids, which the manager can type instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from engine.errors import Ambiguous, NotFound
from engine.names import match
from engine.ports import UnitOfWork
from engine.records import PosKind, PosThing
from engine.venue import Venue


def find_pos(things: Sequence[PosThing], text: str, kind: PosKind) -> PosThing:
    """The POS item or modifier `text` names; raises `NotFound` or `Ambiguous`."""
    what = "POS item" if kind is PosKind.ITEM else "modifier"
    typed = text.strip()
    by_id = [t for t in things if t.external_id == typed]
    if len(by_id) == 1:
        return by_id[0]
    if by_id:
        raise Ambiguous(f"{typed!r} is the id of {len(by_id)} {what}s", _ids(by_id))
    by_name: dict[str, list[PosThing]] = {}
    for thing in things:
        by_name.setdefault(thing.name, []).append(thing)
    found = match(typed, by_name, what=what)
    if len(found) > 1:
        raise Ambiguous(f"{len(found)} {what}s are named {found[0].name!r}", _ids(found))
    return found[0]


def _ids(things: Sequence[PosThing]) -> list[str]:
    return sorted(f"{t.external_id} ({t.provider})" for t in things)


async def pos_thing(
    uow: UnitOfWork, place: Venue, kind: PosKind, text: str, now: datetime, *, create: bool
) -> PosThing:
    """The POS item or modifier named. One no POS has sent yet is, with `create`, a placeholder
    mapped by name, which the first POS item arriving with that name adopts (engine.identity)."""
    things = await uow.catalog.pos_things(place.id, kind)
    try:
        return find_pos(things, text, kind)
    except NotFound:
        typed = " ".join(text.split())
        if not create or not typed:
            raise
        return await uow.pos.add_placeholder(place.id, kind, typed, now)


def by_name_note(thing: PosThing) -> dict[str, str]:
    """For a change's answer: a placeholder waits for the POS item (modifier) named so."""
    if not thing.by_name:
        return {}
    what = "POS item" if thing.kind is PosKind.ITEM else "POS modifier"
    return {"bound to": f"the first {what} named so (none seen yet)"}
