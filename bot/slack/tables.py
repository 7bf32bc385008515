"""A `Table` laid out as monospace lines that still read on a phone.

Slack's mobile app shows about 60 monospace characters across before a code block scrolls
sideways, so columns are fitted into `TABLE_WIDTH` (`bot.table_layout`): the widest left-aligned
column (a product or item name) gives way first, down to `MIN_WIDTH`, and its cells wrap onto
further lines; numbers keep their width, and a table with more columns than a phone holds
scrolls sideways rather than breaking its figures over lines. Nothing in a table is cut. Cells
arrive formatted ("18.50", "2.9 btl"): this module only lays out. `fit` cuts a single line (a
title, a label) where Slack sets a limit.
"""

from __future__ import annotations

from bot.commands.replies import Table
from bot.table_layout import fit_widths, lay_out

__all__ = ["TABLE_WIDTH", "column_widths", "fit", "table_lines"]

TABLE_WIDTH = 60
MIN_WIDTH = 10  # a name in pieces of ten still reads; narrower, it takes a line per syllable


def fit(cell: str, width: int) -> str:
    """`cell` cut to `width` characters, the cut marked with "…"; newlines become spaces."""
    flat = " ".join(cell.split())
    if len(flat) <= width:
        return flat
    return flat[: max(width - 1, 0)] + "…"


def column_widths(table: Table, limit: int = TABLE_WIDTH) -> list[int]:
    """Each column's width: its widest cell or name, shrunk until the row fits in `limit`."""
    return fit_widths(table, limit, min_width=MIN_WIDTH)


def table_lines(table: Table, limit: int = TABLE_WIDTH) -> tuple[str, list[str]]:
    """The header and one text per row, aligned, without trailing spaces; a cell too wide for its
    column wraps, so a row's text may hold several lines."""
    header, rows = lay_out(table, limit, min_width=MIN_WIDTH)
    return "\n".join(header), ["\n".join(lines) for lines in rows]
