"""The `barback` command: the command grammar, the shell, imports, and administration.

    barback --venue downtown stock tito [--json] [--chart FILE.png]   the grammar (commands.md)
    barback shell --venue downtown                                    the grammar at a prompt
    barback --venue downtown import receipts.jsonl [--json]           generic receipts
    barback serve | db upgrade | venue add|list|secret                administration

Exit status: 0 done, 2 refused (bad words or input, unknown name or venue, not allowed, bad
configuration: nothing was changed; an import books what it could and says what it refused),
1 failed. Refusals and failures go to stderr as "barback: ...".

The global `--venue` option (default `$BARBACK_VENUE`) comes before the words. A first word
argparse owns (`terminal_session.ARGPARSE_COMMANDS`, or an option such as `--help`) goes to
argparse; any other first word starts a command of the grammar (`app.terminal_session`).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from app.cli_ops import add_ops_commands
from app.config import ConfigError, Settings
from app.demo import add_demo_command
from app.logs import configure_logging, redact
from app.terminal_session import add_session_commands, grammar_words
from engine.errors import EngineError

if TYPE_CHECKING:
    from storage.database import Database

PROG = "barback"
ACTOR = "cli"

T = TypeVar("T")
Command = Callable[[argparse.Namespace, Settings], int]

logger = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None, *, env: Mapping[str, str] | None = None) -> int:
    """Run one command; `env` defaults to the process environment (tests pass their own)."""
    environ = os.environ if env is None else env
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    words = grammar_words(argv)
    try:
        args = parser.parse_args(argv) if words is None else words
    except SystemExit as exit_:  # --help (0) or a usage error (2)
        return exit_.code if isinstance(exit_.code, int) else 2
    try:
        settings = Settings.from_env(environ)
    except ConfigError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    secrets = list(settings.secret_values())
    configure_logging(settings.log_level, settings.log_format, secrets=secrets)
    command: Command = args.command
    args.user = environ.get("USER") or environ.get("LOGNAME") or ACTOR
    args.usage = parser.format_usage()
    try:
        return command(args, settings)
    except EngineError as refused:
        print(f"{PROG}: {refused}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        # One of the edges where errors are caught: one line for the person, the traceback in
        # the log at DEBUG, and never a secret in either.
        logger.debug("command failed", exc_info=True)
        print(f"{PROG}: failed: {redact(describe(error), secrets)}", file=sys.stderr)
        return 1


def describe(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    lowered = text.lower()
    # The most common failure on a new install: the tables were never created.
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        text += " (has `barback db upgrade` been run?)"
    return text


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples in epilogs as written."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=_Formatter,
        description="Beverage inventory for bars: POS webhooks deplete bottles.",
        epilog=(
            "examples:\n"
            "  barback --venue downtown stock tito\n"
            "  barback --venue downtown sales yesterday --json\n"
            "  barback --venue downtown help          (the command grammar)\n"
            "  barback shell --venue downtown\n"
            "  barback --venue downtown import receipts.jsonl\n"
            "  barback db upgrade\n"
            "  barback venue add downtown --name 'Downtown' --timezone America/New_York "
            "--currency USD\n"
            "  barback serve\n\n"
            "The venue defaults to $BARBACK_VENUE. Configuration comes from the environment\n"
            "(DATABASE_URL, PORT, ...).\n"
            "Exit status: 0 done, 2 refused (nothing changed), 1 failed."
        ),
    )
    parser.add_argument(
        "--venue",
        metavar="SLUG",
        help="the venue for commands that act on one (default: $BARBACK_VENUE)",
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    add_session_commands(commands, _Formatter)
    _add_serve(commands)
    _add_db(commands)
    _add_venue(commands)
    add_ops_commands(commands, _Formatter)
    add_demo_command(commands, _Formatter)
    return parser


Subparsers = argparse._SubParsersAction  # argparse names this type only privately


def _add_serve(commands: Subparsers[argparse.ArgumentParser]) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the web service (webhooks, Slack, /healthz, /metrics)",
        description="Run the web service until SIGTERM or Ctrl-C, then shut down gracefully.",
        formatter_class=_Formatter,
        epilog="examples:\n  barback serve\n  PORT=9000 LOG_FORMAT=json barback serve",
    )
    serve.set_defaults(command=run_serve)


def _add_db(commands: Subparsers[argparse.ArgumentParser]) -> None:
    db = commands.add_parser(
        "db",
        help="manage the database schema",
        description="Manage the database schema.",
        formatter_class=_Formatter,
        epilog="examples:\n  barback db upgrade",
    )
    actions = db.add_subparsers(title="actions", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade",
        help="create or migrate the tables to the latest version",
        description="Create the tables, or migrate them to the latest version. Safe to repeat.",
        formatter_class=_Formatter,
        epilog="examples:\n  DATABASE_URL=postgresql://bar@db/barback barback db upgrade",
    )
    upgrade.set_defaults(command=run_db_upgrade)


def _add_venue(commands: Subparsers[argparse.ArgumentParser]) -> None:
    venue = commands.add_parser(
        "venue",
        help="add and list venues, print a venue's webhook secret",
        description="Add and list venues; print a venue's webhook secret.",
        formatter_class=_Formatter,
        epilog=(
            "examples:\n"
            "  barback venue add downtown --name 'Downtown' --timezone America/New_York "
            "--currency USD\n"
            "  barback venue list\n"
            "  barback venue secret downtown"
        ),
    )
    actions = venue.add_subparsers(title="actions", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add a venue",
        description="Add a venue. It gets a fresh secret for the generic webhook.",
        formatter_class=_Formatter,
        epilog=(
            "examples:\n"
            "  barback venue add downtown --name 'Downtown' --timezone America/New_York "
            "--currency USD\n"
            "  barback venue add soho --name 'Soho' --timezone Europe/London --currency GBP\n"
            "  barback venue add mitte --name 'Mitte' --timezone Europe/Berlin --currency EUR "
            "--units metric"
        ),
    )
    add.add_argument("slug", help="short name: lower-case letters, digits and dashes")
    add.add_argument("--name", required=True, help="the name people know it by")
    add.add_argument(
        "--timezone", required=True, metavar="TZ", help="IANA time zone, e.g. America/New_York"
    )
    add.add_argument(
        "--currency", required=True, metavar="CUR", help="ISO 4217 code, e.g. USD, EUR, GBP"
    )
    add.add_argument(
        "--units",
        choices=["us", "metric", "imperial"],
        help="how volumes are written; default: us for USD, imperial for GBP, metric otherwise",
    )
    add.set_defaults(command=run_venue_add)
    listing = actions.add_parser(
        "list",
        help="list the venues",
        description="List the venues: slug, name, time zone, currency, units.",
        formatter_class=_Formatter,
        epilog="examples:\n  barback venue list",
    )
    listing.set_defaults(command=run_venue_list)
    secret = actions.add_parser(
        "secret",
        help="print a venue's webhook secret alone on one line",
        description="Print the venue's generic-webhook secret alone on one line, for scripts.",
        formatter_class=_Formatter,
        epilog="examples:\n  SECRET=$(barback venue secret downtown)",
    )
    secret.add_argument("slug", help="the venue's slug")
    secret.set_defaults(command=run_venue_secret)


# Heavy modules (aiohttp, SQLAlchemy, Alembic) are imported inside the commands that need
# them, so `barback --help` and a refused command answer at once.


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from app.keyfile import with_secret_key
    from app.serve import serve

    return serve(with_secret_key(settings))


def run_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from storage.migrate import upgrade

    asyncio.run(upgrade(settings.database_url))
    print(f"database is up to date ({settings.database_url_redacted})", file=sys.stderr)
    return 0


def run_venue_add(args: argparse.Namespace, settings: Settings) -> int:
    from app.clock import SystemClock
    from engine.venue_admin import add_venue

    venue = asyncio.run(
        _with_database(
            settings,
            lambda database: add_venue(
                database.unit_of_work,
                SystemClock(),
                slug=args.slug,
                name=args.name,
                timezone=args.timezone,
                currency=args.currency,
                units=args.units,
                actor=ACTOR,
            ),
        )
    )
    print(
        f"added venue {venue.slug} ({venue.name}, {venue.timezone}, {venue.currency}, "
        f"{venue.units.value}); its webhook secret: barback venue secret {venue.slug}",
        file=sys.stderr,
    )
    return 0


def run_venue_list(args: argparse.Namespace, settings: Settings) -> int:
    from engine.venue_admin import list_venues

    venues = asyncio.run(_with_database(settings, lambda db: list_venues(db.unit_of_work)))
    if not venues:
        print("no venues yet (add one with `barback venue add`)", file=sys.stderr)
        return 0
    rows = [("SLUG", "NAME", "TIMEZONE", "CURRENCY", "UNITS")] + [
        (v.slug, v.name, v.timezone, v.currency, v.units.value) for v in venues
    ]
    print(format_table(rows))
    return 0


def run_venue_secret(args: argparse.Namespace, settings: Settings) -> int:
    from engine.venue_admin import venue_secret

    secret = asyncio.run(
        _with_database(settings, lambda db: venue_secret(db.unit_of_work, args.slug))
    )
    print(secret)
    return 0


def format_table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


async def _with_database(settings: Settings, use: Callable[[Database], Awaitable[T]]) -> T:
    from storage.database import open_database

    database = await open_database(settings.database_url)
    try:
        return await use(database)
    finally:
        await database.close()
