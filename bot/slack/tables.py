"""A `Table` laid out as monospace lines that still read on a phone.

Slack's mobile app shows about 60 monospace characters across before a code block scrolls
sideways, so columns are fitted into `TABLE_WIDTH`: the widest left-aligned column (a product or
item name) gives way first, cut with "…"; right-aligned numbers keep their digits as long as
anything else can shrink. Cells arrive formatted ("18.50", "2.9 btl"): this module only lays out.
"""

from __future__ import annotations

from bot.commands.replies import Table

__all__ = ["TABLE_WIDTH", "column_widths", "fit", "table_lines"]

TABLE_WIDTH = 60
GAP = "  "
MIN_WIDTH = 4  # "Ti…" still hints at "Tito's"; below this a column says nothing


def fit(cell: str, width: int) -> str:
    """`cell` cut to `width` characters, the cut marked with "…"; newlines become spaces."""
    flat = " ".join(cell.split())
    if len(flat) <= width:
        return flat
    return flat[: max(width - 1, 0)] + "…"


def column_widths(table: Table, limit: int = TABLE_WIDTH) -> list[int]:
    """Each column's width: its widest cell or name, shrunk until the row fits in `limit`."""
    widths = [
        max([len(fit(column.name, 10_000))] + [len(fit(row[i], 10_000)) for row in table.rows])
        for i, column in enumerate(table.columns)
    ]
    excess = sum(widths) + len(GAP) * (len(widths) - 1) - limit
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > MIN_WIDTH]
        names = [i for i in shrinkable if table.columns[i].align == "left"]
        pool = names or shrinkable
        if not pool:
            break  # too many columns for the width: the block scrolls, nothing is lost
        widest = max(pool, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


def table_lines(table: Table, limit: int = TABLE_WIDTH) -> tuple[str, list[str]]:
    """The header line and one line per row, aligned, without trailing spaces."""
    widths = column_widths(table, limit)

    def line(cells: tuple[str, ...]) -> str:
        parts = []
        for cell, width, column in zip(cells, widths, table.columns, strict=True):
            text = fit(cell, width)
            parts.append(text.rjust(width) if column.align == "right" else text.ljust(width))
        return GAP.join(parts).rstrip()

    header = line(tuple(column.name for column in table.columns))
    return header, [line(row) for row in table.rows]
