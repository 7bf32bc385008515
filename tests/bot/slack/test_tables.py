"""Monospace table layout: names give way before numbers, lines fit the width."""

from __future__ import annotations

from bot.commands.replies import Column, Table
from bot.slack.tables import column_widths, fit, table_lines


def test_fit_cuts_with_an_ellipsis_and_flattens_whitespace() -> None:
    assert fit("Tito's Vodka", 20) == "Tito's Vodka"
    assert fit("Tito's Vodka", 6) == "Tito'…"
    assert fit("two\nlines  here", 20) == "two lines here"


def test_names_shrink_first_and_numbers_keep_their_digits() -> None:
    table = Table(
        None,
        (Column("Product"), Column("Expected", "right"), Column("Actual", "right")),
        (("A very long product name that goes on and on and on", "1,330.6 ml", "1,500.0 ml"),),
    )
    widths = column_widths(table, 40)
    assert widths[1:] == [10, 10]
    assert sum(widths) + 2 * 2 == 40
    _header, [row] = table_lines(table, 40)
    lines = row.splitlines()
    assert max(len(line) for line in lines) <= 40 and lines[0].endswith("1,500.0 ml")
    assert "…" not in row  # the name wraps onto further lines of its row instead
    name = " ".join(line[: widths[0]].strip() for line in lines)
    assert name == "A very long product name that goes on and on and on"


def test_too_many_columns_for_the_width_run_wider_and_keep_their_figures_whole() -> None:
    table = Table(None, tuple(Column(f"c{n}", "right") for n in range(20)), (("12345",) * 20,))
    assert column_widths(table, 60) == [5] * 20
    _header, [row] = table_lines(table, 60)
    assert row.split() == ["12345"] * 20


def test_a_name_gives_way_down_to_ten_characters_a_line() -> None:
    table = Table(
        None,
        (Column("Product"), Column("On hand", "right"), Column("Par", "right")),
        (("Buffalo Trace Single Barrel", "101.44 oz (3.00 l)", "6"),),
    )
    widths = column_widths(table, 30)
    assert widths == [10, 18, 3]
    _header, [row] = table_lines(table, 30)
    assert row.splitlines()[0].split("  ")[-1].strip() == "6"
    assert [line[:10].strip() for line in row.splitlines()] == [
        "Buffalo",
        "Trace",
        "Single",
        "Barrel",
    ]
