"""The command grammar in a terminal: `barback --venue X <words>` and `barback shell`.

Both build a `SessionContext` (`app.venue_session`; the terminal's actor is trusted:
commands.md, Permissions) and run words through `bot.commands.session.run`, then print with
`bot.terminal`. `--json` prints the reply's JSON object instead of text; `--chart FILE` (sales
only) draws the chart there, in the format its extension names (`.png`, `.svg`, `.pdf`; any other
is refused before anything runs). When `barback serve` runs beside it, a one-shot command is
answered by the service through its local socket instead (`app.service_client`).

Only the standard library is imported at the top: `barback --help` and a command the service
answers never load the grammar, SQLAlchemy or aiohttp.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, NamedTuple

from app.subcommands import Subparsers, add_command
from app.venue_session import open_session, venue_of

if TYPE_CHECKING:
    from app.config import Settings
    from bot.commands.replies import Reply

CHART_COMMANDS = ("sales",)
# The first words argparse owns (administration, `shell`, `import`); any other starts the grammar.
ARGPARSE_COMMANDS = frozenset(
    {"serve", "db", "venue", "shell", "import", "worker", "events", "demo", "completion", "slack"}
)


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


def grammar_words(argv: list[str]) -> argparse.Namespace | None:
    """`--venue X stock tito --json` as the grammar's words and flags; None when argparse owns
    the line (an administration command, `shell`, `import`, an option such as --help, nothing)."""
    venue, rest, flags = None, list(argv), []
    while rest and rest[0].partition("=")[0] in ("--venue", "--json", "--chart"):
        option = rest.pop(0)
        name, equals, value = option.partition("=")
        if name == "--json":
            flags.append(option)  # `barback --json stock`: the flags may stand before the words
        elif equals:
            venue, flags = (value, flags) if name == "--venue" else (venue, [*flags, option])
        elif not rest:
            return None
        elif name == "--venue":
            venue = rest.pop(0)
        else:
            flags += [option, rest.pop(0)]
    if not rest or rest[0].startswith("-") or rest[0] in ARGPARSE_COMMANDS:
        return None
    return words_namespace(venue, rest + flags)


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
        elif not words and any(ch.isspace() for ch in arg):
            # `barback 'count tito 3'`: a first argument with spaces is the whole command line
            # (no command word holds a space), as typed in the shell or in Slack.
            words.append(arg)
        else:
            words.append(_quoted(arg))
    first = words[0].split()[0].lower() if words else ""
    if chart and not problem and first not in CHART_COMMANDS:
        problem = f"{first} draws no chart: --chart goes with sales"
    if chart and not problem:
        from bot.commands.replies import chart_format  # the standard library only

        try:
            chart_format(chart)
        except ValueError as error:
            problem = str(error)
    return argparse.Namespace(
        command=run_words,
        venue=venue,
        words=words,
        json=json_out,
        chart=chart,
        problem=problem,
        # The service can answer it: a chart is drawn into a file here, a problem refused here,
        # and a file an import reads or `count sheet` writes is a path from this directory,
        # which the service cannot see.
        sendable=chart is None and problem is None and not _uses_a_file(words),
    )


def _uses_a_file(words: list[str]) -> bool:
    """`product import products.csv`, `map import`, `menu import`, `count import`; and
    `count sheet counts.csv`, which writes one."""
    parts = " ".join(words).lower().split()  # `barback 'count import x.csv'` is one argument
    second = parts[1] if len(parts) > 1 else ""
    return second == "import" or (second == "sheet" and len(parts) > 2)


def _quoted(arg: str) -> str:
    """A shell argument that held spaces (`"Tito's Vodka"`) or a double quote (`'12" Pizza'`)
    stays one name for the grammar: quoted, its quotes escaped."""
    if arg.isalnum():
        return arg  # most words: nothing to quote, and the grammar's modules stay unloaded
    from bot.commands.quoting import quote_name
    from bot.commands.tokens import DOUBLE_QUOTES

    if any(ch.isspace() or ch in DOUBLE_QUOTES for ch in arg):
        return quote_name(arg)
    return arg


class Answer(NamedTuple):
    """What a one-shot command prints, and its exit status: the same whether this process
    answered or the service did."""

    status: int
    stdout: str = ""
    stderr: str = ""

    def print(self) -> int:
        sys.stdout.write(self.stdout)
        sys.stderr.write(self.stderr)
        return self.status


def answer_of(reply: Reply, *, json_out: bool, chart_note: bool) -> Answer:
    """A reply as the terminal prints it: text (or its JSON object) and the exit status."""
    from bot import terminal

    if json_out:
        stderr = "" if reply.ok else terminal.render_refusal(reply) + "\n"
        return Answer(0 if reply.ok else 2, reply.to_json() + "\n", stderr)
    if reply.ok:
        return Answer(0, terminal.render(reply, chart_note=chart_note) + "\n")
    return Answer(2, "", terminal.render_refusal(reply) + "\n")


def run_words(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

    from engine.errors import InvalidInput

    if args.problem:
        raise InvalidInput(args.problem)
    slug = venue_of(args, settings)
    reply = asyncio.run(_run_once(settings, slug, args.user, " ".join(args.words)))
    status = answer_of(reply, json_out=args.json, chart_note=args.chart is None).print()
    if reply.ok and args.chart and reply.chart is not None:
        from pathlib import Path

        from bot.charts import render
        from bot.commands.replies import chart_format

        Path(args.chart).write_bytes(render(reply.chart, chart_format(args.chart)))
        print(f"chart written to {args.chart}", file=sys.stderr)
    return status


async def _run_once(settings: Settings, slug: str, user: str, text: str) -> Reply:
    from bot.commands.session import run

    database, ctx = await open_session(settings, slug, user)
    try:
        return await run(text, ctx)
    finally:
        await database.close()


def run_shell(args: argparse.Namespace, settings: Settings) -> int:
    import asyncio

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
