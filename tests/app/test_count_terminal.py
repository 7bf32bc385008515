"""Count sessions in the terminal: `count sheet` writes the sheet, a person fills it in, `count
import` saves it as one session with one timestamp; a file with bad rows changes nothing and
names every one of them.

The bar of README's "Try it in a terminal" (`test_scripted_session.us_session`) at 23:45, after
its 23:30 counts: Tito's 4.7 bottles, Milagro 1,366,920 µl, Patron 661,280 µl, Cointreau 0.8.
The sheet lists by category (liqueur, tequila, tequila, vodka), names within one.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.app.scripted import Terminal

if TYPE_CHECKING:
    pass

T = datetime.fromisoformat
SHEET = """\
product,category,container,expected,amount
Cointreau,liqueur,25.36 oz (750.0 ml),0.800,
Milagro Blanco,tequila,25.36 oz (750.0 ml),1.823,
Patron Silver,tequila,25.36 oz (750.0 ml),0.882,
Tito's Vodka,vodka,25.36 oz (750.0 ml),4.700,
"""

IMPORTED = """\
counted 3 products at 2026-11-22 00:15 (session 1, by sam)
variance $52.65 in all; the biggest losses first:

Product        Variance        %    Cost
Patron Silver  22.36 oz  745.36%  $39.68
Cointreau       7.61 oz      n/a  $10.80
Tito's Vodka    2.54 oz      n/a   $2.18

next: variance
"""


@pytest.fixture
def term(readme_bar: Terminal) -> Terminal:
    return readme_bar


def filled(text: str, amounts: dict[str, str]) -> str:
    """The sheet with the amount column filled in, as a spreadsheet would save it."""
    rows = list(csv.reader(io.StringIO(text)))
    for row in rows[1:]:
        row[4] = amounts.get(row[0], "")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def test_count_sheet_then_count_import_is_one_session(term: Terminal, tmp_path: Path) -> None:
    assert term("barback count sheet") == SHEET  # printed, as `> counts.csv` would keep it
    written = term("barback count sheet counts.csv")
    assert written.startswith("wrote the count sheet of 4 products to counts.csv")
    sheet = tmp_path / "counts.csv"
    assert sheet.read_text() == SHEET
    # A sheet is never written over a file (it may be a filled one).
    term("barback count sheet counts.csv", status=2)

    amounts = {"Cointreau": "0.5", "Tito's Vodka": "3450 ml", "Patron Silver": "0"}
    sheet.write_text(filled(SHEET, amounts))  # Milagro left blank: not counted
    term.at(T("2026-11-22T00:15:00-05:00"))
    answer = term("barback count import counts.csv")

    # Variances since the 23:30 counts: nothing sold since, so each loss is the count's drop.
    # Cointreau 0.8 -> 0.5 bottle: 225,000 µl x 0.0048 c = $10.80; Tito's 3,525,000 -> 3,450,000
    # µl: 75,000 x 0.0029 c = $2.175 -> $2.18 (the 21:00 sales all closed before 23:30). Patron
    # had one count (17:00): 750,000 - 88,720 sold - 0 = 661,280 µl x 0.006 c = $39.68.
    # In all 1,080 + 217.5 + 3,967.68 = 5,265.18 c -> $52.65; Patron's 661,280 µl is 22.36 oz,
    # 661,280 / 88,720 expected = 745.36%; Cointreau 225,000 µl = 7.61 oz, Tito's 75,000 = 2.54.
    assert answer == IMPORTED  # README.md, "The weekly count"

    data = json.loads(term("barback history 1 --json"))
    [entry] = data["changes"]
    assert (entry["action"], entry["target"]) == ("count.session", "session 1")
    assert entry["new"] == {"products": "3", "source": "import"}
    stock = {p["name"]: p for p in json.loads(term("barback stock --json"))["products"]}
    assert stock["Cointreau"]["on_hand"] == 375 and stock["Tito's Vodka"]["on_hand"] == 3450
    assert stock["Patron Silver"]["on_hand"] == 0
    assert stock["Milagro Blanco"]["on_hand"] == 1366.92  # not counted: as it was
    # `variance` uses the session's one timestamp for every product in it.
    variance = json.loads(term("barback variance --json"))["products"]
    assert {p["name"]: p["to"] for p in variance} == {
        "Cointreau": "2026-11-22T00:15:00-05:00",
        "Patron Silver": "2026-11-22T00:15:00-05:00",
        "Tito's Vodka": "2026-11-22T00:15:00-05:00",
    }


def test_a_bad_file_names_every_bad_row_and_counts_nothing(term: Terminal, tmp_path: Path) -> None:
    before = term("barback history --json")
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Product,Count,Note\n"
        "Cointreau,0.5,fine\n"
        "Titos Vodka,2,unknown name\n"
        "Milagro Blanco,two,\n"
        "Patron Silver,-1,\n"
        "\n"
        "Cointreau,0.4,counted twice\n"
        ",3,no product\n"
        "Tito's Vodka,12000,too many\n"
        "Milagro Blanco,1,x,extra cell\n"
    )
    out = term("barback count import bad.csv", status=2)
    assert out == ""
    err = term.transcript[-1]
    assert "nothing was counted: 7 entries were refused" in err
    for expected in (
        "line 3: no product named 'Titos Vodka'",
        "line 4: 'two' is not a unit or a serving size",
        "line 5: count '-1' must be more than zero",
        "line 7: 'Cointreau' is counted twice (also line 2)",
        "line 8: the count '3' names no product",
        'line 9: a count of more than 10,000 containers of "Tito\'s Vodka" is not plausible',
        "line 10: 4 cells for 3 columns",
    ):
        assert expected in err, (expected, err)
    assert term("barback history --json") == before

    data = json.loads(term("barback count import bad.csv --json", status=2))
    assert data["error"] == "invalid_input" and len(data["problems"]) == 7
    assert [p["where"] for p in data["problems"]] == [f"line {n}" for n in (3, 4, 5, 7, 8, 9, 10)]
    assert data["problems"][-1] == {"where": "line 10", "reason": "4 cells for 3 columns"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "f.csv is empty"),
        ("# just a note\n\n", "f.csv is empty"),
        ("name,quantity\ntito,3\n", "f.csv: the header lacks amount"),
        ("product,amount\n", "nothing to count: every product was left blank"),
        ("product,amount\ntito,\n", "nothing to count: every product was left blank"),
        ("product,amount\x00\n", "f.csv is not text"),
        ('product,amount\n"tito\n",3\n', "f.csv: a quoted cell runs over several lines"),
    ],
)
def test_files_that_cannot_be_a_count(
    term: Terminal, tmp_path: Path, content: str, message: str
) -> None:
    (tmp_path / "f.csv").write_text(content)
    term("barback count import f.csv", status=2)
    assert message in term.transcript[-1]


def test_a_missing_or_oversized_file_is_refused(term: Terminal, tmp_path: Path) -> None:
    term("barback count import nowhere.csv", status=2)
    assert "there is no file nowhere.csv" in term.transcript[-1]
    (tmp_path / "big.csv").write_text("product,amount\n" + "x,1\n" * 600_000)
    term("barback count import big.csv", status=2)
    assert "big.csv has 2,400,015 bytes; an import takes 2,097,152" in term.transcript[-1]
