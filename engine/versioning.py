"""Forward-only versions (rule 6): a change closes the current version and opens the next.

A version is in effect over [valid_from, valid_to): `valid_from` inclusive, `valid_to` exclusive,
`None` = still in effect. Nothing is edited in place; a receipt uses the version in effect when it
closed, so a later change never touches what was recorded.

Decisions where the rules are silent:
- A change at the very instant a version opened replaces nothing retroactively: it still closes the
  old version at that instant (an empty interval) and opens the new one, so history shows both.
- A change dated before the current version opened is refused (`Conflict`): history is never
  rewritten.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, TypeVar

from engine.errors import Conflict, InvalidInput


class Versioned(Protocol):
    @property
    def valid_from(self) -> datetime: ...

    @property
    def valid_to(self) -> datetime | None: ...


V = TypeVar("V", bound=Versioned)


def require_aware(at: datetime, what: str = "time") -> datetime:
    """Every instant the engine handles is timezone-aware."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput(f"{what} {at.isoformat()} has no time zone", hint="times must be aware")
    return at


def is_in_effect(version: Versioned, at: datetime) -> bool:
    return version.valid_from <= at and (version.valid_to is None or at < version.valid_to)


def in_effect(versions: Iterable[V], at: datetime) -> V | None:
    """The version in effect at `at`, or None. With overlapping versions (which `supersede` never
    makes) the one opened last wins."""
    found: V | None = None
    for version in versions:
        if is_in_effect(version, at) and (found is None or version.valid_from >= found.valid_from):
            found = version
    return found


def close(version: V, at: datetime) -> V:
    """The same version, ended at `at`; refuses a closed version or an end before its start."""
    require_aware(at)
    if version.valid_to is not None:
        raise Conflict(f"this version already ended at {version.valid_to.isoformat()}")
    if at < version.valid_from:
        raise Conflict(
            f"a change at {at.isoformat()} would predate the version in effect since "
            f"{version.valid_from.isoformat()}",
            hint="changes take effect from now on",
        )
    closed: V = dataclasses.replace(version, valid_to=at)  # type: ignore[type-var]
    return closed


def supersede(current: V | None, following: V) -> tuple[V | None, V]:
    """Close `current` (if any) at `following.valid_from`; return both: a forward-only change."""
    if following.valid_to is not None:
        raise InvalidInput("a new version must be open-ended")
    closed = None if current is None else close(current, following.valid_from)
    return closed, following
