"""The command grammar in a terminal: `barback --venue X <words>` and `barback shell`.

Both build a `SessionContext` (the terminal's actor is trusted: commands.md, Permissions) and run
words through `bot.commands.session.run`, then print with `bot.terminal`. `--json` prints the
reply's JSON object instead of text; `--chart FILE.png` (sales only) draws the chart there.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import Secret, Settings
from app.subcommands import Subparsers, add_command
from bot import terminal
from bot.commands.replies import Reply
from engine.errors import InvalidInput

if TYPE_CHECKING:
    from bot.commands.session import SessionContext
    from storage.database import Database

CHART_COMMANDS = ("sales",)
# The first words argparse owns (administration, `shell`, `import`); any other starts the grammar.
ARGPARSE_COMMANDS = frozenset(
    {"serve", "db", "venue", "shell", "import", "worker", "events", "demo"}
)
NO_VENUE = "which venue? give --venue <slug> or set BARBACK_VENUE"


def add_session_commands(commands: Subparsers[argparse.ArgumentParser]) -> None:
    shell = add_command(
        commands,
        "shell",
        run_shell,
        summary="type commands at a prompt (history, Tab completion)",
        description="The command grammar at an interactive prompt. exit, quit or Ctrl-D leave.",
        examples=["barback shell --venue downtown", "barback shell < commands.txt"],
    )
    # SUPPRESS: without --venue here, the global one (before `shell`) stands.
    shell.add_argument("--venue", metavar="SLUG", default=argparse.SUPPRESS, help="the venue")
    from app.importing import add_import_command

    add_import_command(commands)


def grammar_words(argv: list[str]) -> argparse.Namespace | None:
    """`--venue X stock tito --json` as the grammar's words and flags; None when argparse owns
    the line (an administration command, `shell`, `import`, an option such as --help, nothing)."""
    venue, rest = None, list(argv)
    while rest and (rest[0] == "--venue" or rest[0].startswith("--venue=")):
        option = rest.pop(0)
        if "=" in option:
            venue = option.partition("=")[2]
        elif rest:
            venue = rest.pop(0)
        else:
            return None
    if not rest or rest[0].startswith("-") or rest[0] in ARGPARSE_COMMANDS:
        return None
    return words_namespace(venue, rest)


def words_namespace(venue: str | None, argv: list[str]) -> argparse.Namespace:
    """The words of a grammar command and its flags (`--json`, `--chart FILE`), anywhere."""
    words: list[str] = []
    json_out, chart, problem = False, None, None
    rest = iter(argv)
    for arg in rest:
        if arg == "--json":
            json_out = True
        elif arg == "--chart" or arg.startswith("--chart="):
            chart = arg.partition("=")[2] or next(rest, None)
            if not chart:
                problem = "--chart needs a file name, e.g. --chart sales.png"
        else:
            words.append(_quoted(arg))
    if chart and not problem and words[0].lower() not in CHART_COMMANDS:
        problem = f"{words[0]} draws no chart: --chart goes with sales"
    return argparse.Namespace(
        command=run_words, venue=venue, words=words, json=json_out, chart=chart, problem=problem
    )


def _quoted(arg: str) -> str:
    """A shell argument that held spaces (`"Tito's Vodka"`) stays one name for the grammar."""
    if any(ch.isspace() for ch in arg) and '"' not in arg:
        return f'"{arg}"'
    return arg


def venue_of(args: argparse.Namespace, settings: Settings) -> str:
    slug: str | None = getattr(args, "venue", None) or settings.venue
    if not slug:
        print(args.usage, end="", file=sys.stderr)
        raise InvalidInput(NO_VENUE)
    return slug


async def open_session(settings: Settings, slug: str, user: str) -> tuple[Database, SessionContext]:
    """The database, and a session on the venue (raises `NotFound` for an unknown venue); the
    caller closes the database."""
    from app.clock import SystemClock
    from app.keyfile import existing_key
    from bot.commands.session import Actor, SessionContext
    from storage.migrate import open_migrated

    database = await open_migrated(settings.database_url)
    try:
        async with database.unit_of_work() as uow:
            venue = await uow.venues.get(slug)
    except BaseException:
        await database.close()
        raise
    context = SessionContext(
        venue=venue,
        actor=Actor.terminal(user),
        uow=database.unit_of_work,
        clock=SystemClock(),
        public_url=settings.public_url,
        # The same key `serve` signs with, so the link the terminal prints is accepted.
        connect_key=_reveal(existing_key(settings)),
    )
    return database, context


def run_words(args: argparse.Namespace, settings: Settings) -> int:
    if args.problem:
        raise InvalidInput(args.problem)
    slug = venue_of(args, settings)
    reply = asyncio.run(_run_once(settings, slug, args.user, " ".join(args.words)))
    if args.json:
        print(reply.to_json())
        if not reply.ok:
            print(terminal.render_refusal(reply), file=sys.stderr)
    else:
        terminal.write(reply, sys.stdout, sys.stderr, chart_note=args.chart is None)
    if reply.ok and args.chart and reply.chart is not None:
        from bot.charts import render_png

        Path(args.chart).write_bytes(render_png(reply.chart))
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0 if reply.ok else 2


async def _run_once(settings: Settings, slug: str, user: str, text: str) -> Reply:
    from bot.commands.session import run

    database, ctx = await open_session(settings, slug, user)
    try:
        return await run(text, ctx)
    finally:
        await database.close()


def run_shell(args: argparse.Namespace, settings: Settings) -> int:
    from bot import shell
    from bot.commands.session import run

    slug = venue_of(args, settings)
    interactive = sys.stdin.isatty()
    with asyncio.Runner() as runner:
        database, ctx = runner.run(open_session(settings, slug, args.user))
        completer = shell.Completer()

        def refresh(text: str = "products", reply: Reply | None = None) -> None:
            # Product names change only with `product add|set`: no query after other commands.
            if text.split()[0].lower() in ("product", "products"):
                names = shell.product_names(runner.run(run("products", ctx)))
                completer.products = tuple(names)

        save_history = shell.setup_readline(completer) if interactive else None
        try:
            if interactive:
                refresh()
                print(shell.WELCOME.format(venue=ctx.venue.name))
            return shell.loop(
                lambda text: runner.run(run(text, ctx)),
                input,
                sys.stdout,
                sys.stderr,
                prompt=f"{slug}> " if interactive else "",
                after=refresh if interactive else None,
            )
        finally:
            if save_history is not None:
                save_history()
            runner.run(database.close())


def _reveal(key: Secret | None) -> str | None:
    return None if key is None else key.reveal()
