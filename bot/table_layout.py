"""Laying out a `Table` in monospace lines of a given width, for the terminal and for Slack's
code blocks: text that does not fit wraps onto further lines of its row; nothing is ever cut, so
a recipe, a change or a product's name reads whole.

Columns are fitted first: the widest text (left-aligned) column gives way one character at a
time until the row fits or every text column is down to `min_width`. Numbers (right-aligned)
never shrink: a figure broken over lines misreads, so a table with more columns than the width
holds runs wider (a terminal wraps it, Slack scrolls it) rather than shredding them. Words wrap
at spaces; a word longer than its column is broken across lines. A row of several lines keeps
its cells side by side, top-aligned.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from bot.commands.replies import Table

GAP = "  "


def fit_widths(table: Table, width: int, *, min_width: int) -> list[int]:
    """Each column's width: its widest cell or name, shrunk until a row fits in `width`."""
    widths = [
        max([len(_flat(column.name))] + [len(_flat(row[i])) for row in table.rows])
        for i, column in enumerate(table.columns)
    ]
    excess = sum(widths) + len(GAP) * (len(widths) - 1) - width
    while excess > 0:
        pool = [
            i for i, w in enumerate(widths) if w > min_width and table.columns[i].align == "left"
        ]
        if not pool:
            break  # too many columns for the width: the lines run long, nothing is lost
        widest = max(pool, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


def row_lines(cells: Sequence[str], widths: Sequence[int], table: Table) -> list[str]:
    """One row as one or more lines: every cell wrapped to its column, padded, side by side."""
    wrapped = [_wrap(cell, size) for cell, size in zip(cells, widths, strict=True)]
    height = max(len(parts) for parts in wrapped)
    lines = []
    for n in range(height):
        out = []
        for parts, size, column in zip(wrapped, widths, table.columns, strict=True):
            text = parts[n] if n < len(parts) else ""
            out.append(text.rjust(size) if column.align == "right" else text.ljust(size))
        lines.append(GAP.join(out).rstrip())
    return lines


def lay_out(table: Table, width: int, *, min_width: int) -> tuple[list[str], list[list[str]]]:
    """The header's lines and each row's lines."""
    widths = fit_widths(table, width, min_width=min_width)
    header = row_lines(tuple(column.name for column in table.columns), widths, table)
    return header, [row_lines(row, widths, table) for row in table.rows]


def _flat(cell: str) -> str:
    return " ".join(cell.split())


def _wrap(cell: str, width: int) -> list[str]:
    text = _flat(cell)
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, max(width, 1), break_on_hyphens=False) or [""]
