"""Issue 10's grammar fixes, found by trying barback in a shell, each as a shell user types it:
quoted quantities, the whole command as one argument, names holding quotes, `next:` hints that
parse, `--json` first, `simulate ... with Double Double`, implausible input refused (changing
nothing), recipes shown as typed, tables that wrap, and `why`'s older sales where they belong.

The bar is README's "Try it in a terminal" (`test_scripted_session.us_session`), at 23:45.
"""

from __future__ import annotations

import json
import shlex
from datetime import datetime
from pathlib import Path

import pytest

from tests.app.scripted import Terminal, receipt
from tests.app.test_scripted_session import jsonl, line

T = datetime.fromisoformat


@pytest.fixture
def term(readme_bar: Terminal) -> Terminal:
    return readme_bar


def refused(term: Terminal, words: str) -> str:
    assert term(words, status=2) == ""
    return term.transcript[-1]


def test_quoted_quantities_and_the_whole_command_as_one_argument(term: Terminal) -> None:
    assert term('barback count tito "750 ml"') == (
        "counted Tito's Vodka: on hand 119.19 oz (3525.0 ml) -> 25.36 oz (750.0 ml) (by sam)\n"
    )
    assert term('barback product add Gin "1 l" 30 par "6" reorder 2').startswith(
        "added product Gin: container 33.81 oz (1000.0 ml), cost $30.00, par 6, reorder 2"
    )
    assert term("barback 'count tito 3'").startswith("counted Tito's Vodka: on hand 25.36 oz")
    assert term("barback 'stock tito' --json") == term("barback --json stock tito")
    assert (
        json.loads(term("barback --json --venue downtown stock tito"))["products"][0]["on_hand"]
        == 2250
    )


def test_names_holding_quotes_are_typed_with_an_escape_or_single_quotes(term: Terminal) -> None:
    term("""barback product add 'The "Best" Rum' 750ml 25""")
    assert term("""barback 'stock "The \\"Best\\" Rum"'""").startswith('The "Best" Rum: 0.00 oz')
    assert term("""barback stock 'The "Best" Rum'""").startswith('The "Best" Rum: 0.00 oz')
    assert term("""barback '"stock' 'The "Best" Rum'""", status=2) == ""


def test_unmapped_hints_parse_with_the_best_guess_filled_in(term: Terminal, tmp_path: Path) -> None:
    term.at(T("2026-11-22T00:05:00-05:00"))
    jsonl(
        tmp_path / "more.jsonl",
        [
            receipt(
                20,
                "2026-11-22T00:00:00-05:00",
                "USD",
                line('12" Vodka Shot', "1", 900, "Salt Rim"),
                line("Tito's Shot", "1", 900, "Extra Tito's Shot", "Double Pour"),
            )
        ],
    )
    term("barback import more.jsonl")
    listing = term("barback unmapped")
    hints = [row.removeprefix("next: ") for row in listing.splitlines() if row.startswith("next:")]
    assert hints == [
        'map "12\\" Vodka Shot" = shot "Tito\'s Vodka"',
        'map "Espresso Martini" = shot "Cointreau"',
        'modifier "Double Pour" = x2',
        'modifier "Extra Tito\'s Shot" = + shot "Tito\'s Vodka"',
        'modifier "Salt Rim" = price only',
    ]
    for hint in hints:  # each, typed as it stands, is a command that works
        term(f"barback {shlex.quote(hint)}")
    assert term("barback unmapped").startswith("every POS item and modifier seen is mapped")


def test_simulate_with_double_double_applies_two_modifiers(term: Terminal) -> None:
    data = json.loads(term("""barback simulate "Tito's Shot" with Double Double --json"""))
    assert data["modifiers"] == ["Double", "Double"]
    assert data["depletes"] == [
        {"product": "Tito's Vodka", "quantity": 177.44, "unit": "ml", "cogs": "5.15"}
    ]  # x2 x2: 4 shots of 44,360 µl at $21.75 / 750,000 µl = 514.576 c
    both = json.loads(term("barback simulate Margarita with Double Top Shelf --json"))
    assert both["modifiers"] == ["Double", "Top Shelf"]


def test_implausible_input_is_refused_and_changes_nothing(term: Terminal) -> None:
    before = term("barback history 100 --json")
    cases = {
        "barback count tito -3": "count '-3' must be more than zero",
        "barback count tito inf": "count 'inf' must be more than zero",
        "barback count tito 10001": 'more than 10,000 containers of "Tito\'s Vodka"',
        "barback count tito 7600 l": "more than 10,000 containers",
        "barback map Pitcher = 6 l tito": 'more than 5 l of "Tito\'s Vodka" is not plausible',
        "barback map Pitcher = 750 bottles tito": "more than 5 l",
        "barback map Pitcher = 4 l tito + 2 l tito": "more than 5 l",
        "barback 'modifier \"Extra\" = + 6 l tito'": "more than 5 l",
        "barback modifier Bucket = x11": "a multiplier of x11 is not plausible: at most x10",
        "barback product add Rum 750ml 20 par 2 reorder 6": "a reorder point of 6 above the par",
        "barback product set tito par 1": "a reorder point of 2 above the par of 1",
        "barback product set tito reorder 7": "a reorder point of 7 above the par of 6",
        "barback serving shot = 2 shot": "serving 'shot' cannot be measured in 'shot' itself",
        "barback receive tito 2 @ 0": "a cost of 0 per container: was the delivery free?",
    }
    for words, reason in cases.items():
        assert reason in refused(term, words), words
    assert term("barback history 100 --json") == before

    free = term("barback receive tito 1 @ free")
    assert free.endswith("received 1, cost free (by sam)\n")
    products = {p["name"]: p for p in json.loads(term("barback products --json"))["products"]}
    assert products["Tito's Vodka"]["cost"] == "21.75"  # a gift is not a new price


def test_recipes_show_as_typed_and_tables_wrap(term: Terminal) -> None:
    assert term('barback map "Double Tito" = 2 shot tito') == (
        "mapped Double Tito: recipe 2 x shot (3.00 oz) Tito's Vodka, bound to the first POS item"
        " named so (none seen yet) (by sam)\n"
    )
    long_recipe = (
        'barback map "House Punch" = 1.5 oz "Milagro Blanco" + 0.75 oz Cointreau + 1 shot tito '
        "+ 0.5 oz patron"
    )
    term(long_recipe)
    table = term("barback mappings")
    assert "…" not in table and max(len(row) for row in table.splitlines()) <= 100
    flat = " ".join(table.split())
    assert (
        "House Punch 1.50 oz (44.4 ml) Milagro Blanco + 0.75 oz (22.2 ml) Cointreau + "
        "shot (1.50 oz) Tito's Vodka + 0.50 oz (14.8 ml) Patron Silver"
    ) in flat
    assert "Double Tito 2 x shot (3.00 oz) Tito's Vodka" in flat


def test_why_puts_the_older_sales_where_they_are(term: Terminal, tmp_path: Path) -> None:
    term.at(T("2026-11-22T01:00:00-05:00"))
    shots = [
        receipt(100 + n, f"2026-11-22T00:{n:02d}:00-05:00", "USD", line("Tito's Shot", "1", 800))
        for n in range(55)
    ]
    jsonl(tmp_path / "shots.jsonl", shots)
    assert term("barback import shots.jsonl").startswith("booked 55,")
    rows = term("barback why tito").splitlines()
    count = next(i for i, row in enumerate(rows) if " count " in row)
    older = next(i for i, row in enumerate(rows) if "… 5 older sales" in row)
    first_sale = next(i for i, row in enumerate(rows) if " sale " in row)
    assert count < older < first_sale  # between the count and the 50 sales listed
    assert rows[first_sale].startswith("2026-11-22 00:05")  # the sixth oldest, shown first
    assert rows[-1].startswith("2026-11-22 00:54")
