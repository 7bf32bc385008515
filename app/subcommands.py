"""What every `barback` subcommand is built from: its parser, a database opened for one run, a
plain-text table.

`app/cli.py` builds the top-level parser and hands each module (`cli_ops`, `demo`,
`terminal_session`, `importing`) the subparsers to add its own commands with `add_command`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from app.config import Settings
    from storage.database import Database

T = TypeVar("T")
Subparsers = argparse._SubParsersAction  # argparse names this type only privately
Run = Callable[[argparse.Namespace, "Settings"], int]


class Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples in epilogs as written."""


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

    # Imported here: `barback --help` and a refused command answer without loading SQLAlchemy.
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
