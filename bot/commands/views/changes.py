"""A change's answer: what changed, old and new values, who did it (commands.md, "Changing")."""

from __future__ import annotations

from bot.commands import formats as f
from bot.commands import messages as m
from bot.commands.replies import Reply
from engine.usecases.common import Change, Values


def change_reply(change: Change, who: str) -> Reply:
    """`Tito's Vodka: cost $22.50 -> $21.75 (by sam)`; the JSON carries the same values."""
    verb = _verb(change.action)
    # The name is dropped where the summary gives it already (an add, a removal), kept where it
    # is what changed (a rename).
    named = change.old is not None and change.new is not None
    details = _details(
        _shown(change.old, change.target, named), _shown(change.new, change.target, named)
    )
    summary = m.CHANGED.format(
        verb=verb, target=change.target, details=f": {details}" if details else "", who=who
    )
    data = {
        "venue": change.venue.slug,
        "action": change.action,
        "target": change.target,
        "old": None if change.old is None else dict(change.old),
        "new": None if change.new is None else dict(change.new),
        "by": change.actor,
        "at": f.instant(change.at, change.venue),
    }
    return Reply(summary=summary, data=data)


def _verb(action: str) -> str:
    parts = action.split(".")
    for n in range(len(parts), 0, -1):
        if (verb := m.ACTIONS.get(".".join(parts[:n]))) is not None:
            return verb
    return action


def _shown(values: Values | None, target: str, named: bool) -> Values | None:
    """Keys as words (`on_hand` -> `on hand`), without the name the summary already gives."""
    if values is None:
        return None
    return {
        k.replace("_", " "): v
        for k, v in values.items()
        if named or not (k == "name" and v == target)
    }


def _details(old: Values | None, new: Values | None) -> str:
    if new is None:
        return ", ".join(f"{key} was {_text(value)}" for key, value in (old or {}).items())
    if old is None:
        return ", ".join(f"{key} {_text(value)}" for key, value in new.items())
    parts = []
    for key, value in new.items():
        before = old.get(key)
        if key not in old:
            parts.append(f"{key} {_text(value)}")
        elif before != value:
            parts.append(f"{key} {_text(before)} -> {_text(value)}")
        else:
            parts.append(f"{key} {_text(value)} (unchanged)")
    return ", ".join(parts)


def _text(value: str | bool | None) -> str:
    if value is None:
        return m.NONE_VALUE
    if isinstance(value, bool):
        return m.ON if value else m.OFF
    return value
