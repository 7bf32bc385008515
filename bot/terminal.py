"""A `Reply` as plain text for a terminal: the summary, aligned tables, suggested next commands.

Tables fit `WIDTH` (100) columns: numbers (right-aligned columns) are never cut; when a table is
too wide, its widest text column is shortened with an ellipsis. A refusal goes to stderr as
`barback: <what was wrong>` with the closest valid form indented below it. No colour, no cursor
control: the output is the same in a pipe, a log or a README.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from bot.commands.replies import Reply, Table

WIDTH = 100
GAP = "  "
MIN_TEXT = 8  # a text column is never cut below this


def render(reply: Reply, *, width: int = WIDTH, chart_note: bool = False) -> str:
    """The reply as text, no trailing newline; `chart_note` says how to get its chart. A reply
    that hands over a file (`products --csv`) is that file alone, so it pipes into one."""
    if reply.document is not None:
        return reply.document.text.rstrip("\n")
    parts = [reply.summary]
    parts += [render_table(table, width=width) for table in reply.tables]
    if reply.actions:
        parts.append("\n".join(f"next: {action.command}" for action in reply.actions))
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
    header = tuple(column.name for column in table.columns)
    columns = zip(header, *table.rows, strict=True)
    widths = _fit([max(len(cell) for cell in cells) for cells in columns], table, width)
    lines = [table.title] if table.title else []
    lines.append(_line(header, widths, table))
    lines += [_line(row, widths, table) for row in table.rows]
    if not table.rows:
        lines.append("(none)")
    return "\n".join(lines)


def _fit(widths: list[int], table: Table, width: int) -> list[int]:
    """Shrink the widest text column, one character at a time, until the row fits."""
    text = [i for i, column in enumerate(table.columns) if column.align == "left"]
    while sum(widths) + len(GAP) * (len(widths) - 1) > width:
        shrinkable = [i for i in text if widths[i] > MIN_TEXT]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
    return widths


def _line(cells: Sequence[str], widths: Sequence[int], table: Table) -> str:
    out = []
    for cell, size, column in zip(cells, widths, table.columns, strict=True):
        shown = cell if len(cell) <= size else cell[: size - 1] + "…"
        out.append(shown.rjust(size) if column.align == "right" else shown.ljust(size))
    return GAP.join(out).rstrip()
