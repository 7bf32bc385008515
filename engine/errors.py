"""The engine's errors, each with a stable code and a message fit for a bar manager.

EngineError
├── InvalidInput   bad words, bad values: nothing was changed       (CLI exit 2, HTTP 400)
├── NotFound       names something that does not exist             (CLI exit 2, HTTP 404)
├── Ambiguous      a name matches several things; lists candidates (CLI exit 2)
├── Conflict       already exists, or clashes with what is stored  (CLI exit 2, HTTP 409)
├── NotAllowed     the actor may not make this change              (CLI exit 2, HTTP 403)
└── Unavailable    a service it needs (a POS's API) did not answer: try again later
"""

from __future__ import annotations


class EngineError(Exception):
    """Base of every error the rules raise on purpose."""

    code = "error"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} ({self.hint})"


class InvalidInput(EngineError):
    code = "invalid_input"


class NotFound(EngineError):
    code = "not_found"


class Ambiguous(EngineError):
    code = "ambiguous"

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message, hint="did you mean: " + ", ".join(candidates))
        self.candidates = candidates


class Conflict(EngineError):
    code = "conflict"


class NotAllowed(EngineError):
    code = "not_allowed"


class Unavailable(EngineError):
    code = "unavailable"
