"""The `barback` command: the command grammar, the shell, imports, and administration.

    barback --venue downtown stock tito [--json] [--chart FILE.png]   the grammar (commands.md)
    barback shell --venue downtown                                    the grammar at a prompt
    barback --venue downtown import receipts.jsonl [--json]           generic receipts
    barback serve | db upgrade | venue add|list|secret|archive        administration

Exit status: 0 done, 2 refused (bad words or input, unknown name or venue, not allowed, bad
configuration, a database missing or not migrated, a port in use: nothing was changed; an import
books what it could and says what it refused), 1 failed, 141 when the reader of the output went
away (`| head`). Refusals and failures go to stderr as "barback: ...", in words: never a Python
class name or traceback (LOG_LEVEL=DEBUG logs the traceback of a failure).

The global `--venue` option (default `$BARBACK_VENUE`) comes before the words. A first word
argparse owns (`terminal_session.ARGPARSE_COMMANDS`, or an option such as `--help`) goes to
argparse; any other first word starts a command of the grammar (`app.terminal_session`).

Answering at once: this module and what it imports at the top load only the standard library,
so `barback --help` costs little more than Python's own start. A one-shot grammar command is
sent to `barback serve` through its local socket when one runs on this data directory and
database (`app.service_client`): the service has the grammar, SQLAlchemy and the database
loaded already. Otherwise the command runs here, importing what it needs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.build_info import VersionAction
from app.cli_ops import add_ops_commands
from app.cli_venues import ACTOR, add_venue_commands
from app.demo import add_demo_command
from app.importing import add_import_command
from app.shell_completion import add_completion_command
from app.slack_cli import add_slack_commands
from app.subcommands import (
    Formatter,
    Run,
    Subparsers,
    add_command,
    require_migrated,
)
from app.terminal_session import add_session_commands, grammar_words

if TYPE_CHECKING:
    from app.config import Settings

PROG = "barback"
SIGPIPE_STATUS = 141  # what a shell reports for a process its reader stopped (128 + SIGPIPE)


def main(argv: Sequence[str] | None = None, *, env: Mapping[str, str] | None = None) -> int:
    """Run one command; `env` defaults to the process environment (tests pass their own)."""
    try:
        status = _main(argv, env)
        sys.stdout.flush()  # here, not at exit: a reader that left (`| head`) is handled below
    except BrokenPipeError:
        # `barback events | head`: the reader has what it wanted. Nothing more can be written,
        # not even at exit (Python would report the failed flush): send the rest nowhere.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return SIGPIPE_STATUS
    return status


def _main(argv: Sequence[str] | None, env: Mapping[str, str] | None) -> int:
    environ = os.environ if env is None else env
    argv = list(sys.argv[1:] if argv is None else argv)
    words = grammar_words(argv)
    try:
        if words is None:
            parser = build_parser()
            args = parser.parse_args(argv)
            args.parser = parser  # for `completion`, which writes the commands out
        else:
            args = words
    except SystemExit as exit_:  # --help, --version (0) or a usage error (2)
        return exit_.code if isinstance(exit_.code, int) else 2
    from app.config import ConfigError, Settings

    try:
        settings = Settings.from_env(environ)
    except ConfigError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    command: Run = args.command
    args.user = environ.get("USER") or environ.get("LOGNAME") or ACTOR
    if words is not None and (words.venue or settings.venue) and words.sendable:
        from app.service_client import ask_service

        answer = ask_service(settings, words)
        if answer is not None:
            return answer.print()
    # The usage is printed with some refusals (no venue); building the parser costs a little.
    args.usage = build_parser().format_usage() if words is not None else ""
    return run_here(command, args, settings)


def run_here(command: Run, args: argparse.Namespace, settings: Settings) -> int:
    """Run the command in this process: exit status 0, 2 (refused) or 1 (failed)."""
    from app.logs import configure_logging, redact
    from engine.errors import EngineError

    secrets = list(settings.secret_values())
    configure_logging(settings.log_level, settings.log_format, secrets=secrets)
    try:
        return command(args, settings)
    except EngineError as refused:
        print(f"{PROG}: {refused}", file=sys.stderr)  # the message, and its hint in brackets
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        raise
    except Exception as error:
        import logging

        # One of the edges where errors are caught: one line for the person, the traceback in
        # the log at DEBUG, and never a secret or a Python class name in either.
        logging.getLogger(__name__).debug("command failed", exc_info=True)
        print(f"{PROG}: failed: {redact(describe(error), secrets)}", file=sys.stderr)
        return 1


def describe(error: BaseException) -> str:
    """What went wrong, in a sentence a person can act on: no class names, no statements."""
    from storage.outage import is_unavailable

    cause: BaseException = getattr(error, "orig", None) or error
    if cause.__cause__ is not None and "<class '" in str(cause):  # asyncpg, as SQLAlchemy wraps it
        cause = cause.__cause__
    lines = str(cause).strip().splitlines()
    text = lines[0] if lines else "something unexpected went wrong"
    lowered = text.lower()
    # The most common failure on a new install: the tables were never created.
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return f"the database has no barback tables ({text}): run `barback db upgrade`"
    if isinstance(error, OSError) and error.strerror and error.filename:
        return f"{error.strerror}: {error.filename}"  # a file: say which
    if is_unavailable(error):
        return f"the database does not answer ({text}); is it running, and is DATABASE_URL right?"
    return f"{text} (run again with LOG_LEVEL=DEBUG to see where)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        formatter_class=Formatter,
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
    parser.add_argument("--version", action=VersionAction, help="print barback's version")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    add_session_commands(commands)
    add_import_command(commands)
    _add_admin_commands(commands)
    add_ops_commands(commands)
    add_demo_command(commands)
    add_completion_command(commands)
    add_slack_commands(commands)
    return parser


def _add_admin_commands(commands: Subparsers[argparse.ArgumentParser]) -> None:
    """`serve`, `db upgrade`, `venue ...`."""
    serve = add_command(
        commands,
        "serve",
        run_serve,
        summary="run the web service (webhooks, Slack, /healthz, /metrics)",
        description="Run the web service until SIGTERM or Ctrl-C, then shut down gracefully.",
        examples=[
            "barback serve",
            "PORT=9000 LOG_FORMAT=json barback serve",
            "barback serve --no-worker    # web only; `barback worker` books",
        ],
    )
    serve.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="store webhooks but leave booking them to `barback worker` processes",
    )

    db = add_command(
        commands,
        "db",
        None,
        summary="manage the database schema",
        description="Manage the database schema.",
        examples=["barback db upgrade"],
    )
    db_actions = db.add_subparsers(title="actions", metavar="ACTION", required=True)
    add_command(
        db_actions,
        "upgrade",
        run_db_upgrade,
        summary="create or migrate the tables to the latest version",
        description="Create the tables, or migrate them to the latest version. Safe to repeat.",
        examples=["DATABASE_URL=postgresql://bar@db/barback barback db upgrade"],
    )
    add_venue_commands(commands)


# Heavy modules (aiohttp, SQLAlchemy, Alembic) are imported inside the commands that need
# them, so `barback --help` and a refused command answer at once.


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from app.keyfile import with_secret_key
    from app.serve import serve

    require_migrated(settings)  # before the key file: a wrong folder gets nothing written
    return serve(with_secret_key(settings), worker=args.worker)


def run_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from storage.migrate import upgrade

    asyncio.run(upgrade(settings.database_url))
    print(f"database is up to date ({settings.database_url_redacted})", file=sys.stderr)
    return 0
