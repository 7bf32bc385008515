"""Help text, generated from the grammar's table (`grammar.SPECS`): it cannot drift from parsing.

Plain text, one line per fact; Slack shows it in a code block, the terminal prints it as is.
"""

from bot.commands.grammar import SPECS, specs_for, usage
from bot.commands.spec import Spec

NOTES = (
    'Names with spaces go in double quotes ("Tito\'s Vodka"), or unquoted where they end the line.',
    "Product names match case-insensitively, and a prefix is enough (tito).",
    "Quantities: 1.5 oz, 44 ml, 4.4 cl, 1 l, 750ml, 1/2 bbl, 1 each, or a serving (shot, 2 shot).",
    "Dates: 2026-11-21; ranges: 2026-11-01..2026-11-21.",
)


def help_text(topic: str | None = None) -> str:
    """`help` (every command, one line each) or `help <command>` (its forms, with examples).

    Raises InvalidInput for a topic that names no command (with the closest one as the hint).
    """
    if topic is None:
        return _overview()
    usage(topic)  # raises for an unknown topic
    return "\n\n".join(_detail(spec) for spec in specs_for(topic))


def _overview() -> str:
    lines = ["Reading (anyone in the workspace):"]
    lines += [_line(spec) for spec in SPECS if not spec.command.changes]
    lines += ["", "Changing (managers only):"]
    lines += [_line(spec) for spec in SPECS if spec.command.changes]
    lines += ["", *NOTES, "Type help <command> for examples, e.g. help map."]
    return "\n".join(lines)


def _line(spec: Spec) -> str:
    return f"  {spec.usage}\n      {spec.summary}"


def _detail(spec: Spec) -> str:
    who = "managers only" if spec.command.changes else "anyone"
    lines = [spec.usage, f"  {spec.summary} ({who})"]
    lines += [f"  e.g. {example}" for example in spec.examples]
    return "\n".join(lines)
