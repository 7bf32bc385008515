"""What every `barback` subcommand is built from: its parser, a database opened for one run, a
plain-text table.

`app/cli.py` builds the top-level parser and hands each module (`cli_ops`, `demo`,
`terminal_session`, `importing`) the subparsers to add its own commands with `add_command`.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from app.config import Settings
    from storage.database import Database

T = TypeVar("T")
Subparsers = argparse._SubParsersAction  # argparse names this type only privately
Run = Callable[[argparse.Namespace, "Settings"], int]


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples in epilogs as written. Finds the terminal's width itself: argparse
    would import shutil for it, and with it compression modules `--help` has no use for."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24) -> None:
        super().__init__(prog, indent_increment, max_help_position, width=terminal_width() - 2)


def terminal_width() -> int:
    """$COLUMNS, else the terminal's width, else 80 (as `shutil.get_terminal_size`)."""
    import os
    import sys

    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80
    except (AttributeError, ValueError, OSError):
        return 80


def add_command(
    commands: Subparsers[argparse.ArgumentParser],
    name: str,
    run: Run | None,
    *,
    summary: str,
    description: str,
    examples: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """One (sub)command: `summary` in its parent's list, `description` and the examples in its
    own --help; `run` is what `cli.main` calls (None for a group whose actions carry their own)."""
    parser = commands.add_parser(
        name,
        help=summary,
        description=description,
        formatter_class=Formatter,
        epilog="examples:\n" + "\n".join(f"  {line}" for line in examples) if examples else None,
    )
    if run is not None:
        parser.set_defaults(command=run)
    return parser


def with_database(settings: Settings, use: Callable[[Database], Awaitable[T]]) -> T:
    """Open the database, run `use` with it, close it: one command's whole life. A database
    that is missing or not migrated is refused, and nothing is created
    (`storage.migrate.open_migrated`)."""

    # Imported here: `barback --help` and a refused command answer without loading SQLAlchemy
    # (or asyncio).
    import asyncio

    from storage.migrate import open_migrated

    async def go() -> T:
        database = await open_migrated(settings.database_url)
        try:
            return await use(database)
        finally:
            await database.close()

    return asyncio.run(go())


def require_migrated(settings: Settings) -> None:
    """Refuse to start (`serve`, `worker`) on a database that is missing or not migrated."""

    async def check(_database: Database) -> None:
        return None

    with_database(settings, check)


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell; the first row is the heading."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
