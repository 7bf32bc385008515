"""A file of generic events for `barback import`: one event object, a JSON array of them, or JSON
lines (one object per line; blank lines are skipped).

Everything is read before anything is booked: `read_events` either returns every event, each
labelled with where it stood (`event 3` in an array, `line 7` in JSON lines), or raises
`UnreadableEvents` listing every problem with its place, so a bad file books nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import bounds
from engine.errors import InvalidInput
from integrations.generic.normalize import GenericEvent, normalize

MAX_PROBLEMS = 20  # a file of 10,000 bad lines should not print 10,000 lines


@dataclass(frozen=True, slots=True)
class Labelled:
    where: str
    """`event 3` (1-based, in an array or the single object) or `line 7` (JSON lines)."""
    event: GenericEvent


class UnreadableEvents(InvalidInput):
    """Some events could not be read; `problems` holds one line each, with its place."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        tail = [f"... and {more} more"] if more else []
        noun = "event" if len(problems) == 1 else "events"
        super().__init__(
            f"{len(problems)} {noun} cannot be read; nothing was booked",
            hint="\n".join(shown + tail),
        )
        self.problems = tuple(problems)

    def __str__(self) -> str:
        return f"{self.message}:\n{self.hint}"


def read_events(text: str) -> list[Labelled]:
    """Every event of the file, or `UnreadableEvents`; an empty file is refused too."""
    stripped = text.strip()
    if not stripped:
        raise InvalidInput("there are no events to import", hint="one JSON object per line")
    try:
        whole = bounds.loads(stripped, "the file")
    except bounds.NotJson:
        return _read_lines(text)
    except InvalidInput as error:  # JSON, but nested too deep or with a 5,000-digit number
        raise UnreadableEvents([str(error)]) from None
    items = whole if isinstance(whole, list) else [whole]
    if not items:
        raise InvalidInput("there are no events to import", hint="the JSON array is empty")
    return _normalized([(f"event {i}", item) for i, item in enumerate(items, start=1)])


def _read_lines(text: str) -> list[Labelled]:
    decoded: list[tuple[str, object]] = []
    problems: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            decoded.append((f"line {number}", bounds.loads(line, f"line {number}")))
        except bounds.NotJson as error:
            reason = error.reason.split(":")[0]
            problems.append(
                (number, f"line {number}: not JSON ({reason} at column {error.column})")
            )
        except InvalidInput as error:
            problems.append((number, str(error)))
    return _normalized(decoded, problems)


def _normalized(
    decoded: list[tuple[str, object]], problems: list[tuple[int, str]] | None = None
) -> list[Labelled]:
    """Every decoded event normalised; every problem (decoding's too) listed in file order."""
    found = list(problems or [])
    events: list[Labelled] = []
    for where, item in decoded:
        try:
            events.append(Labelled(where, normalize(item)))
        except InvalidInput as error:
            found.append((int(where.split()[1]), f"{where}: {error}"))
    if found:
        raise UnreadableEvents([problem for _, problem in sorted(found)])
    return events
