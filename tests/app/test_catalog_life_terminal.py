"""The catalog's life in the terminal, forward only: rename, remove, category and shelf, serving
and modifier removal, unmap, venue archive. Each answers what changed and is audited; each is
refused, changing nothing, where it would break a rule; and no past report changes: they are
read before and after and compared.

The bar is README's "Try it in a terminal" (`test_scripted_session.us_session`), at 23:45.
"""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from storage.database import open_database
from storage.tables import webhook_events
from tests.app.scripted import Terminal, receipt
from tests.app.test_scripted_session import jsonl, line

T = datetime.fromisoformat
PAST = (
    "barback sales 2026-11-21 --json",
    "barback variance 2026-11-21..2026-11-21 --json",
    "barback variance --json",
    "barback why tito --json",
    "barback why cointreau --json",
    "barback why patron --json",
)


@pytest.fixture
def term(readme_bar: Terminal) -> Terminal:
    return readme_bar


def reports(term: Terminal) -> dict[str, Any]:
    return {words: json.loads(term(words)) for words in PAST}


def history(term: Terminal) -> list[Any]:
    return list(json.loads(term("barback history 100 --json"))["changes"])


def refused(term: Terminal, words: str) -> str:
    """Run words that must be refused (exit 2, nothing on stdout); what stderr said."""
    assert term(words, status=2) == ""
    return term.transcript[-1]


def test_rename_keeps_every_past_report_under_the_new_name(term: Terminal) -> None:
    before, audit = reports(term), history(term)

    out = term("""barback product rename tito "Tito's Handmade Vodka\"""")
    assert out == (
        "renamed product Tito's Vodka: name Tito's Vodka -> Tito's Handmade Vodka (by sam)\n"
    )
    renamed = json.loads(json.dumps(before).replace("Tito's Vodka", "Tito's Handmade Vodka"))
    assert reports(term) == renamed  # the same figures, every one: only the name changed
    after = history(term)
    assert after[1:] == audit  # the audit log keeps what was written then, old name and all
    assert (after[0]["action"], after[0]["target"]) == ("product.rename", "Tito's Vodka")

    assert "a product named 'Cointreau' already exists" in refused(
        term, "barback product rename tito to Cointreau"
    )
    assert "already has that name" in refused(
        term, """barback product rename tito "Tito's Handmade Vodka\""""
    )
    assert history(term) == after


def test_remove_is_refused_while_poured_and_then_keeps_history(
    term: Terminal, tmp_path: Path
) -> None:
    assert "'Cointreau' is still poured by the mapping of 'Margarita'" in refused(
        term, "barback product remove cointreau"
    )
    assert "'Patron Silver' is still poured by the rule of modifier 'Top Shelf'" in refused(
        term, "barback product remove patron"
    )
    before, audit = reports(term), history(term)

    # Change what pours them (forward only), then remove them.
    term("barback map Margarita = 1.5 oz milagro")
    term('barback modifier remove "Top Shelf"')
    assert term("barback product remove cointreau") == (
        "removed product Cointreau: status on the shelf -> removed, "
        "on hand 20.29 oz (600.0 ml) (unchanged) (by sam)\n"
    )
    term("barback product remove patron")
    assert reports(term) == before  # variance, why, sales: as reported before
    assert history(term)[4:] == audit
    assert [p["name"] for p in json.loads(term("barback stock --json"))["products"]] == [
        "Milagro Blanco",
        "Tito's Vodka",
    ]
    assert "Cointreau" not in term("barback products")

    # Nothing new touches a removed product, and saying so names it.
    for words in (
        "barback count cointreau 1",
        "barback receive cointreau 2",
        "barback waste cointreau 1 oz",
        "barback product set cointreau cost 30",
        "barback map Sidecar = 1 oz cointreau",
        'barback modifier "Extra" = + 0.5 oz cointreau',
        "barback stock cointreau",
    ):
        assert "'Cointreau' was removed from the catalog" in refused(term, words), words
    assert "a product named 'Cointreau' already exists" in refused(
        term, "barback product add Cointreau 750ml 36"
    )

    # A receipt closed after the removal books by the mapping of its time: no Cointreau.
    jsonl(
        tmp_path / "later.jsonl",
        [receipt(9, "2026-11-21T23:50:00-05:00", "USD", line("Margarita", "1", 1200))],
    )
    term.at(T("2026-11-21T23:55:00-05:00"))
    assert term("barback import later.jsonl").startswith("booked 1,")
    assert (
        json.loads(term("barback why cointreau --json")) == before["barback why cointreau --json"]
    )

    # Renaming the removed one frees its name for a new bottle.
    term('barback product rename cointreau "Cointreau (old)"')
    assert term("barback product add Cointreau 750ml 36").startswith("added product Cointreau")


def test_category_shelf_serving_modifier_and_unmap(term: Terminal) -> None:
    assert term('barback product set tito category "Premium Vodka"') == (
        "changed Tito's Vodka: category vodka -> Premium Vodka (by sam)\n"
    )
    assert term("barback product set tito shelf 2") == (
        "changed Tito's Vodka: shelf none -> 2 (by sam)\n"
    )
    assert term("barback product set tito category none") == (
        "changed Tito's Vodka: category Premium Vodka -> none (by sam)\n"
    )
    assert "a shelf position is 1 to 100,000" in refused(term, "barback product set tito shelf 0")
    assert term("barback count sheet").splitlines()[1].startswith("Tito's Vodka,,")  # shelf 2

    assert "serving 'shot' is still poured by the mapping of \"Tito's Shot\"" in refused(
        term, "barback serving remove shot"
    )
    term("""barback map "Tito's Shot" = 1.5 oz tito""")
    assert term("barback serving remove shot") == (
        "removed serving shot: quantity was 1.50 oz (44.4 ml) (by sam)\n"
    )
    assert "there is no serving 'shot'" in refused(term, "barback serving remove shot")

    assert term("barback modifier remove double") == (
        "removed the rule of modifier Double: rule was x2 (by sam)\n"
    )
    assert "modifier 'Double' has no rule" in refused(term, "barback modifier remove double")

    assert term("""barback unmap "Tito's Shot\"""") == (
        "unmapped Tito's Shot: recipe was 1.50 oz (44.4 ml) Tito's Vodka (by sam)\n"
    )
    assert "is not mapped" in refused(term, """barback unmap "Tito's Shot\"""")
    actions = [c["action"] for c in history(term)[:7]]
    assert actions == [
        "unmap",
        "modifier.remove",
        "serving.remove",
        "map",
        "product.set.category",
        "product.set.shelf",
        "product.set.category",
    ]


async def set_pending_event(url: str, state: str) -> None:
    """A webhook event of downtown stored and waiting to be booked (or, `done`, booked)."""
    database = await open_database(url)
    try:
        async with database.engine.begin() as connection:
            if state == "pending":
                at = T("2026-11-21T23:40:00-05:00")
                await connection.execute(
                    insert(webhook_events).values(
                        provider="generic",
                        dedupe_key="1:evt-late",
                        venue_id=1,
                        received_at=at,
                        headers={},
                        body=b"{}",
                        next_attempt_at=at,
                    )
                )
            else:
                await connection.execute(webhook_events.update().values(state=state))
    finally:
        await database.close()


def test_venue_archive_refuses_changes_and_keeps_history(term: Terminal, database_url: str) -> None:
    asyncio.run(set_pending_event(database_url, "pending"))
    assert "venue downtown has 1 webhook event not booked yet" in refused(
        term, "barback venue archive downtown"
    )
    asyncio.run(set_pending_event(database_url, "done"))

    sales = term("barback sales 2026-11-21 --json")
    assert term("barback venue archive downtown") == ""
    assert "archived venue downtown (Downtown)" in term.transcript[-1]
    assert "(archived 2026-11-21)" in term("barback venue list")
    assert term("barback sales 2026-11-21 --json") == sales  # history stays readable
    assert "venue downtown is archived: nothing there can change" in refused(
        term, "barback count tito 3"
    )
    assert "was archived on 2026-11-21 23:45 already" in refused(
        term, "barback venue archive downtown"
    )
    [entry] = [c for c in history(term) if c["action"] == "venue.archive"]
    assert entry["actor"] == "cli:sam" and entry["new"] == {"archived": True}
