"""`barback shell`: the command grammar at an interactive prompt.

The loop is plain and synchronous: `read(prompt)` gives a line (the builtin `input`, with readline
when the terminal has it; tests pass a function), `execute(text)` runs it through the session and
returns the `Reply`, which `bot.terminal` prints. `exit`, `quit` or Ctrl-D end it; Ctrl-C drops the
line being typed. History lives in `~/.barback_history`; Tab completes command words and product
names (`Completer`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

from bot import terminal
from bot.commands.grammar import COMMAND_WORDS
from bot.commands.replies import Reply

EXIT_WORDS = frozenset({"exit", "quit"})
HISTORY_FILE = Path("~/.barback_history")
HISTORY_LENGTH = 1000
WELCOME = "barback shell for {venue}: help lists the commands, exit leaves"


def loop(
    execute: Callable[[str], Reply],
    read: Callable[[str], str],
    out: TextIO,
    err: TextIO,
    *,
    prompt: str = "barback> ",
    after: Callable[[str, Reply], None] | None = None,
) -> int:
    """Read, run and print until `exit`, `quit` or end of input; returns the exit status (0).

    `after(text, reply)` runs after each command (the CLI refreshes product names there)."""
    while True:
        try:
            line = read(prompt)
        except EOFError:
            print(file=out)
            return 0
        except KeyboardInterrupt:
            print("^C", file=out)
            continue
        text = line.strip()
        if not text:
            continue
        if text.lower() in EXIT_WORDS:
            return 0
        reply = execute(text)
        terminal.write(reply, out, err)
        if after is not None:
            after(text, reply)


class Completer:
    """Tab completion: the first word from the grammar's commands, a family's second word
    (`product add`), and product names anywhere after (quoted when they hold a space)."""

    def __init__(self, products: Iterable[str] = ()) -> None:
        self.products: tuple[str, ...] = tuple(products)
        self._first = sorted({w.split()[0] for w in COMMAND_WORDS} | EXIT_WORDS)
        self._second: dict[str, list[str]] = {}
        for words in COMMAND_WORDS:
            first, _, rest = words.partition(" ")
            if rest:
                self._second.setdefault(first, []).append(rest)

    def candidates(self, before: str, word: str) -> list[str]:
        """What `word` (being typed; `before` is the line before it) may complete to."""
        previous = before.split()
        if not previous:
            return [w for w in self._first if w.startswith(word.lower())]
        subs = self._second.get(previous[0].lower(), []) if len(previous) == 1 else []
        matches = [s for s in subs if s.startswith(word.lower())]
        typed = word.lstrip('"').casefold()
        for name in self.products:
            if name.casefold().startswith(typed):
                matches.append(f'"{name}"' if " " in name or word.startswith('"') else name)
        return matches

    def complete(self, word: str, state: int) -> str | None:
        """readline's completer protocol: the `state`-th candidate, then None."""
        import readline

        line = readline.get_line_buffer()
        before = line[: readline.get_begidx()]
        found = self.candidates(before, word)
        return found[state] if state < len(found) else None


def setup_readline(completer: Completer, history: Path = HISTORY_FILE) -> Callable[[], None]:
    """History and Tab completion when readline exists; returns the function that saves history."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline: the prompt still works, without history
        return lambda: None
    path = history.expanduser()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(HISTORY_LENGTH)
    # Only whitespace separates words, so `"Tito's Vo` is one word to complete.
    readline.set_completer_delims(" \t\n")
    readline.set_completer(completer.complete)
    readline.parse_and_bind("tab: complete")

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(path)

    return save


def product_names(reply: Reply) -> Sequence[str]:
    """The names in a `products` reply's JSON (the CLI feeds them to the completer)."""
    products = reply.data.get("products")
    if not isinstance(products, list):
        return ()
    return [p["name"] for p in products if isinstance(p, dict) and isinstance(p.get("name"), str)]
