"""`Spec`, one row of the command table (`grammar.SPECS`).

Its own module so the parsers of each family of commands (`grammar_reading`, `grammar_changing`,
`grammar_settings`) can write their rows without importing the table they are part of.
"""

from collections.abc import Callable
from dataclasses import dataclass

from bot.commands import commands as c
from bot.commands.tokens import Cursor


@dataclass(frozen=True, slots=True)
class Spec:
    """One command: its words, how it is written and explained, and how its arguments are read."""

    command: type[c.Command]
    usage: str
    summary: str
    examples: tuple[str, ...]
    parse: Callable[[Cursor], c.Command]

    @property
    def words(self) -> str:
        return self.command.words
