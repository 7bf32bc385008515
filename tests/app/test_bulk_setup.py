"""Bulk set-up in a terminal (issue 9), on SQLite and PostgreSQL: product, menu and mapping files
all or nothing, exports that import back unchanged, and the review queue."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.app.test_cli import ADD_DOWNTOWN, Barback

PRODUCTS = """name,container,cost,par,reorder,category,vendor
Tito's Vodka,750 ml,22.50,6,2,vodka,Southern Glazer's
Milagro Blanco,750ml,$30.00,4,1,tequila,RNDC
Cointreau,750 ml,36,2,1,liqueur,
IPA Keg,1/2 bbl,180,2,1,beer,Local Brewing
Lime Juice,1 l,4.00,,,,
"""
MENU = """kind,id,name,category
item,SQ-TITO,Tito's Shot,Vodka
item,SQ-TITO-DBL,Tito's Double,Vodka
item,SQ-MARG,Margarita,Cocktails
item,SQ-IPA,IPA Pint,Beer
modifier,MOD-DBL,Double,Size
modifier,MOD-ROCKS,Rocks,Serve
"""
MAPPINGS = """pos item,recipe
Margarita,1.5 oz milagro + 0.75 oz cointreau + 1 oz lime
Tito's Shot,shot tito
"""


@pytest.fixture
def bar(
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Barback:
    monkeypatch.chdir(tmp_path)  # files are named as a manager in that folder types them
    run = Barback({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}, capsys)
    assert run("db", "upgrade")[0] == 0
    assert run(*ADD_DOWNTOWN)[0] == 0
    return run


def write(tmp_path: Path, name: str, text: str) -> str:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


def v(run: Barback, *words: str) -> tuple[int, str, str]:
    return run("--venue", "downtown", *words)


def test_a_file_with_two_bad_rows_changes_nothing_and_names_both(
    bar: Barback, tmp_path: Path
) -> None:
    bad = PRODUCTS.replace("Cointreau,750 ml,36", "Cointreau,750,36").replace(
        "Lime Juice,1 l,4.00", "Lime Juice,1 l,four"
    )
    status, out, err = v(bar, "product", "import", write(tmp_path, "products.csv", bad))

    assert (status, out) == (2, "")
    assert "products.csv: 2 bad rows, nothing was changed" in err
    assert "line 4: container 750 needs a unit" in err or "line 4:" in err
    assert "line 6:" in err and "four" in err
    assert v(bar, "products")[1].startswith("no products")


def test_products_import_export_round_trip(bar: Barback, tmp_path: Path) -> None:
    status, out, err = v(bar, "product", "import", write(tmp_path, "products.csv", PRODUCTS))
    assert (status, err) == (0, "")
    assert out.startswith("imported products.csv: products 5 added, 0 changed, 0 unchanged")

    status, sheet, _ = v(bar, "products", "--csv")
    assert status == 0
    # 1/2 bbl = 15.5 US gal = 58,673,882.652 µl, kept as 58,673,883 µl
    assert "IPA Keg,58673.883 ml,180.00,2,1,beer,Local Brewing" in sheet

    again = write(tmp_path, "again.csv", sheet)
    assert v(bar, "product", "import", again)[1].startswith(
        "imported again.csv: products 0 added, 0 changed, 5 unchanged"
    )
    changed = sheet.replace("Cointreau,750 ml,36.00", "Cointreau,750 ml,38.00")
    out = v(bar, "product", "import", write(tmp_path, "changed.csv", changed))[1]
    assert out.startswith("imported changed.csv: products 0 added, 1 changed, 4 unchanged")
    history = v(bar, "history", "1", "--json")[1]
    assert json.loads(history)["changes"][0]["new"] == {"cost": "$38.00"}


def test_comments_go_above_the_header_and_a_name_may_start_with_a_hash(
    bar: Barback, tmp_path: Path
) -> None:
    """Below the header every line is a row: `#1 Lager` as a spreadsheet saves it is a product,
    not a comment, so an export imports back whole."""
    sheet = "# the back bar, 2026-11-30\n\nname,container,cost\n#1 Lager,12 oz,1.10\n\n"
    out = v(bar, "product", "import", write(tmp_path, "products.csv", sheet))[1]
    assert out.startswith("imported products.csv: products 1 added")

    exported = v(bar, "products", "--csv")[1]
    assert "\n#1 Lager,354.882 ml,1.10," in exported  # exports write ml, exactly
    out = v(bar, "product", "import", write(tmp_path, "again.csv", exported))[1]
    assert out.startswith("imported again.csv: products 0 added, 0 changed, 1 unchanged")


def test_menu_map_import_review_and_the_mapping_sheet(bar: Barback, tmp_path: Path) -> None:
    v(bar, "product", "import", write(tmp_path, "products.csv", PRODUCTS))
    v(bar, "serving", "shot", "=", "1.5", "oz")
    status, out, _ = v(
        bar, "menu", "import", write(tmp_path, "menu.csv", MENU), "provider", "square"
    )
    assert status == 0 and out.startswith("recorded the square menu: 4 items, 2 modifiers (6 new")

    out = v(bar, "map", "import", write(tmp_path, "mappings.csv", MAPPINGS))[1]
    assert out.startswith("imported mappings.csv: mappings 2 added")

    review = json.loads(v(bar, "review", "--json")[1])
    guesses = {e["name"]: (e["guess"], e["confidence"]) for e in review["entries"]}
    assert guesses["Tito's Double"] == ('2 shot "Tito\'s Vodka"', 82)
    assert guesses["Double"] == ("x2", 90)
    assert guesses["Rocks"] == ("price only", 70)
    assert guesses["IPA Pint"][1] < 50  # no pint serving: a weak guess

    assert v(bar, "review", "accept", "all", "above", "60%")[0] == 0
    assert v(bar, "unmapped", "--all", "--json")[1].count('"name": "IPA Pint"') == 1

    sheet = v(bar, "mappings", "--csv")[1]
    assert 'item,square,SQ-MARG,Margarita,"1.5 oz ""Milagro Blanco""' in sheet
    assert 'item,square,SQ-TITO-DBL,Tito\'s Double,"2 shot ""Tito\'s Vodka"""' in sheet
    assert "modifier,square,MOD-DBL,Double,x2" in sheet
    before = v(bar, "mappings", "--json")[1]
    out = v(bar, "map", "import", write(tmp_path, "back.csv", sheet))[1]
    assert out.startswith("imported back.csv: mappings 0 added, 0 changed, 5 unchanged")
    after = json.loads(v(bar, "mappings", "--json")[1])
    assert [i["recipe"] for i in after["items"]] == [
        i["recipe"] for i in json.loads(before)["items"]
    ]


def test_a_missing_file_is_named(bar: Barback, tmp_path: Path) -> None:
    status, _, err = v(bar, "menu", "import", "nowhere.csv")
    assert status == 2 and "there is no file" in err and "nowhere.csv" in err
