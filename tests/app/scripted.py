"""A terminal session driven in-process: `barback` command lines (as typed in a shell) run by
`app.cli.main` against the test database, at instants the test sets.

`Terminal.transcript` keeps each line and what it printed: `README.md`'s "Try it in a terminal"
is that transcript of `test_scripted_session.py::test_us_venue` (print it with
`BARBACK_TRANSCRIPT=1 pytest -s -k us_venue`).
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from datetime import datetime

import pytest

from app.cli import main


@dataclass
class Terminal:
    env: dict[str, str]
    capsys: pytest.CaptureFixture[str]
    now: datetime
    transcript: list[str] = field(default_factory=list)

    def __call__(self, line: str, *, status: int = 0) -> str:
        """Run `barback ...` (shell quoting) and return what it printed on stdout."""
        argv = shlex.split(line)
        assert argv[0] == "barback"
        self.capsys.readouterr()
        code = main(argv[1:], env=self.env)
        out, err = self.capsys.readouterr()
        assert code == status, f"{line}\n{out}{err}"
        self.transcript.append(f"$ {line}\n{out}{err}")
        return out

    def export(self, name: str, value: str) -> None:
        """`export NAME=value` in the session's environment (and its transcript)."""
        self.env[name] = value
        self.transcript.append(f"$ export {name}={value}\n")

    def at(self, when: datetime) -> Terminal:
        self.now = when
        return self


def start_terminal(
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    start: datetime,
) -> Terminal:
    """A terminal on an upgraded database whose clock (`app.clock.SystemClock`) reads `now`."""
    from app.clock import SystemClock

    term = Terminal(
        {"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "USER": "sam"}, capsys, start
    )
    monkeypatch.setattr(SystemClock, "now", lambda self: term.now)
    term("barback db upgrade")
    return term


def receipt(n: int, closed_at: str, currency: str, *lines: dict[str, object]) -> dict[str, object]:
    """A `receipt.closed` event of the generic format, lines numbered L1, L2, ..."""
    numbered = [{"id": f"L{i}", **line} for i, line in enumerate(lines, start=1)]
    body = {"id": f"R-{n}", "closed_at": closed_at, "currency": currency, "lines": numbered}
    return {"event_id": f"evt-{n}", "type": "receipt.closed", "receipt": body}


def line(name: str, quantity: str, net: int, *modifiers: str) -> dict[str, object]:
    found: dict[str, object] = {"name": name, "quantity": quantity, "net_amount": net}
    if modifiers:
        found["modifiers"] = [{"name": m} for m in modifiers]
    return found
