"""`bot.terminal`: a Reply as aligned text; refusals for stderr."""

from __future__ import annotations

import io

from bot.commands.replies import Action, ChartSpec, Column, Reply, Table
from bot.terminal import WIDTH, render, render_refusal, render_table, write


def stock_table() -> Table:
    return Table(
        title="Stock",
        columns=(Column("Product"), Column("On hand", "right"), Column("Low")),
        rows=(
            ("Tito's Vodka", "74.60 oz (2205.6 ml)", ""),
            ("Cointreau", "5.00 oz (147.9 ml)", "LOW"),
        ),
    )


def test_numbers_align_right_and_text_left() -> None:
    assert render_table(stock_table()).splitlines() == [
        "Stock",
        "Product                    On hand  Low",
        "Tito's Vodka  74.60 oz (2205.6 ml)",
        "Cointreau       5.00 oz (147.9 ml)  LOW",
    ]


def test_a_reply_has_its_summary_tables_and_next_commands() -> None:
    reply = Reply(
        summary="2 products, 1 low",
        tables=(stock_table(),),
        actions=(Action("Map", 'map "Espresso Martini" = '),),
    )
    text = render(reply)
    assert text.startswith("2 products, 1 low\n\nStock\n")
    assert text.endswith('\n\nnext: map "Espresso Martini" = ')


def test_the_chart_note_only_when_asked_and_there_is_a_chart() -> None:
    chart = ChartSpec("t", "USD", ("18:00",), "hour", (100,), (20.0,), 2)
    assert "--chart" in render(Reply("sales", chart=chart), chart_note=True)
    assert "--chart" not in render(Reply("sales", chart=chart))
    assert "--chart" not in render(Reply("stock"), chart_note=True)


def test_an_empty_table_says_none() -> None:
    table = Table("Modifiers", (Column("Name"),), ())
    assert render_table(table) == "Modifiers\nName\n(none)"


def test_a_wide_table_fits_100_columns_by_wrapping_text_never_cutting_it() -> None:
    long_name = "A very long product name that goes on and on, well past anything sensible " * 2
    table = Table(
        None,
        (Column("Product"), Column("Note"), Column("Cost", "right")),
        ((long_name, "x" * 60, "$1,234.56"), ("Short", "y", "$1.00")),
    )
    lines = render_table(table).splitlines()
    assert max(len(line) for line in lines) <= WIDTH
    assert "…" not in "".join(lines)
    # The first row wraps onto several lines, its number on the first; the next row follows.
    assert lines[1].startswith("A very long product") and lines[1].endswith("$1,234.56")
    short = next(i for i, line in enumerate(lines) if line.startswith("Short"))
    assert short > 2 and lines[short].endswith("$1.00")
    shown = " ".join(lines[1:short])
    assert shown.count("x") == 60  # the note's 60 x's are all there, over several lines
    assert all(word in shown for word in long_name.split())


def test_a_recipe_wraps_in_a_narrow_table() -> None:
    recipe = "1.50 oz (44.4 ml) Milagro Blanco + 0.75 oz (22.2 ml) Cointreau + 1 oz Lime"
    table = Table(None, (Column("POS item"), Column("Depletes")), (("Margarita", recipe),))
    lines = render_table(table, width=40).splitlines()
    assert max(len(line) for line in lines) <= 40
    depletes = " ".join(line[len("Margarita") + 2 :].strip() for line in lines[1:])
    assert depletes == recipe


def test_a_refusal_names_the_problem_and_the_closest_form() -> None:
    reply = Reply.refusal(
        "unknown command 'stok'", "invalid_input", hint="did you mean: stock [<product>]"
    )
    assert render_refusal(reply) == (
        "barback: unknown command 'stok'\n  did you mean: stock [<product>]"
    )
    out, err = io.StringIO(), io.StringIO()
    write(reply, out, err)
    assert out.getvalue() == ""
    assert err.getvalue().startswith("barback: unknown command")
    write(Reply("fine"), out, err)
    assert out.getvalue() == "fine\n"
