"""A `Reply` as plain text for a terminal: the summary, aligned tables, suggested next commands.

Tables fit `WIDTH` (100) columns (`bot.table_layout`): when a table is too wide, its widest text
column narrows and its cells wrap onto further lines; nothing is cut. A refusal goes to stderr as
`barback: <what was wrong>` with the closest valid form indented below it. No colour, no cursor
control: the output is the same in a pipe, a log or a README.
"""

from __future__ import annotations

from typing import TextIO

from bot.commands.replies import Reply, Table
from bot.table_layout import lay_out

WIDTH = 100
MIN_TEXT = 8  # a text column never narrows below this


def render(reply: Reply, *, width: int = WIDTH, chart_note: bool = False) -> str:
    """The reply as text, no trailing newline; `chart_note` says how to get its chart. A reply
    that hands over a file (`products --csv`) is that file alone, so it pipes into one."""
    if reply.document is not None:
        return reply.document.text.rstrip("\n")
    parts = [reply.summary]
    parts += [render_table(table, width=width) for table in reply.tables]
    if reply.actions:
        parts.append(
            "\n".join(f"next: {action.typed or action.command}" for action in reply.actions)
        )
    if chart_note and reply.chart is not None:
        parts.append("(add --chart FILE.png to draw the chart)")
    return "\n\n".join(part for part in parts if part)


def render_refusal(reply: Reply, prog: str = "barback") -> str:
    """`barback: what was wrong` and, indented below, the hint (the closest valid form)."""
    lines = [f"{prog}: {reply.summary}"]
    hint = reply.data.get("hint")
    if isinstance(hint, str) and hint:
        lines += [f"  {line}" for line in hint.splitlines()]
    return "\n".join(lines)


def write(reply: Reply, out: TextIO, err: TextIO, *, chart_note: bool = False) -> None:
    """Print a reply: a refusal to `err`, anything else to `out`."""
    if reply.ok:
        print(render(reply, chart_note=chart_note), file=out)
    else:
        print(render_refusal(reply), file=err)


def render_table(table: Table, *, width: int = WIDTH) -> str:
    header, rows = lay_out(table, width, min_width=MIN_TEXT)
    lines = [table.title] if table.title else []
    lines += header
    lines += [line for row in rows for line in row]
    if not table.rows:
        lines.append("(none)")
    return "\n".join(lines)
