"""Fixtures of the app room: settings built from a plain mapping, logging put back after a test."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from tests.app.scripted import Terminal, start_terminal


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """`configure_logging` (run by `main` and by log tests) changes the root logger; undo it, so
    no later test writes to a stream pytest has already closed."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


@pytest.fixture
def readme_bar(
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Terminal:
    """The bar of README's "Try it in a terminal" (`test_scripted_session.us_session`), in the
    test's own directory, its clock at 23:45 on 21 November 2026 (New York)."""
    from tests.app.test_scripted_session import us_session

    monkeypatch.chdir(tmp_path)
    start = datetime.fromisoformat("2026-11-21T16:00:00-05:00")
    term = start_terminal(database_url, capsys, monkeypatch, start)
    us_session(term, tmp_path)
    return term.at(datetime.fromisoformat("2026-11-21T23:45:00-05:00"))
