"""`barback --venue X import <file|->`: read everything first, then book each event once."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from tests.app.test_cli import ADD_DOWNTOWN, Barback


@pytest.fixture
def downtown(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Barback:
    # The mapping is made before the receipts close (forward only: rule 6).
    from app.clock import SystemClock

    mapped_at = datetime.fromisoformat("2026-11-21T20:00:00-05:00")
    monkeypatch.setattr(SystemClock, "now", lambda self: mapped_at)
    run = Barback({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}, capsys)
    assert run("db", "upgrade")[0] == 0
    assert run(*ADD_DOWNTOWN)[0] == 0
    for words in (
        ("product", "add", "Tito's Vodka", "750ml", "22.50"),
        ("map", "Tito's Shot", "=", "1.5", "oz", "Tito's Vodka"),
    ):
        assert run("--venue", "downtown", *words)[0] == 0
    return run


def closed(n: int, *, currency: str = "USD", quantity: object = "1") -> dict[str, object]:
    return {
        "event_id": f"evt-{n}",
        "type": "receipt.closed",
        "receipt": {
            "id": f"R-{n}",
            "closed_at": "2026-11-21T21:00:00-05:00",
            "currency": currency,
            "lines": [
                {"id": "L1", "name": "Tito's Shot", "quantity": quantity, "net_amount": 800},
                {"id": "L2", "name": "Espresso Martini", "quantity": "1", "net_amount": 1300},
            ],
        },
    }


def refunded(n: int, of: str) -> dict[str, object]:
    return {
        "event_id": f"evt-rf-{n}",
        "type": "receipt.refunded",
        "receipt": {
            "id": f"RF-{n}",
            "refund_of": of,
            "closed_at": "2026-11-21T22:00:00-05:00",
            "currency": "USD",
            "lines": [{"id": "L1", "quantity": "1", "net_amount": 800}],
        },
    }


def jsonl(path: Path, *events: dict[str, object] | str) -> str:
    path.write_text("\n".join(e if isinstance(e, str) else json.dumps(e) for e in events) + "\n")
    return str(path)


def test_a_bad_line_books_nothing(downtown: Barback, tmp_path: Path) -> None:
    bad = jsonl(tmp_path / "r.jsonl", closed(1), closed(2, quantity=1.5), "{oops", closed(4))
    status, out, err = downtown("--venue", "downtown", "import", bad)
    assert (status, out) == (2, "")
    assert err == (
        "barback: 2 events cannot be read; nothing was booked:\n"
        'line 2: receipt.lines[0].quantity must be a decimal string like "1.5", not a number\n'
        "line 3: not JSON (Expecting property name enclosed in double quotes at column 2)\n"
    )
    # Nothing was booked: the same receipts, fixed, all book now.
    good = jsonl(tmp_path / "r.jsonl", closed(1), closed(2), closed(4))
    status, out, err = downtown("--venue", "downtown", "import", good)
    assert (status, err) == (0, "")
    assert out == ("booked 3, duplicates 0, refused 0\nlines without a mapping: 3 (see unmapped)\n")


def test_re_importing_books_nothing_twice(downtown: Barback, tmp_path: Path) -> None:
    path = jsonl(tmp_path / "r.jsonl", closed(1), closed(2), closed(1))
    status, out, _ = downtown("--venue", "downtown", "import", path, "--json")
    assert status == 0
    assert json.loads(out) == {
        "venue": "downtown",
        "booked": 2,
        "duplicate": 1,
        "refused": 0,
        "unmapped_lines": 2,
        "adopted": [],
        "refusals": [],
    }
    status, out, _ = downtown("--venue", "downtown", "import", path)
    assert (status, out) == (0, "booked 0, duplicates 3, refused 0\n")


def test_refused_events_are_listed_and_the_rest_books(downtown: Barback, tmp_path: Path) -> None:
    path = jsonl(
        tmp_path / "r.json",
        closed(1),
        closed(2, currency="EUR"),
        refunded(1, "R-1"),
        refunded(2, "R-404"),
    )
    status, out, err = downtown("--venue", "downtown", "import", path)
    assert status == 2
    assert out.splitlines()[0] == "booked 2, duplicates 0, refused 2"
    assert err.splitlines() == [
        "barback: refused line 2 (R-2): receipt 'R-2' currency is EUR, the venue counts in USD "
        "(a venue has one currency)",
        "barback: refused line 4 (RF-2): refunds a sale never recorded (an unmapped item, or a "
        "receipt not imported yet)",
    ]


def test_an_array_from_stdin(downtown: Barback, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps([closed(1), closed(2)])))
    status, out, _ = downtown("--venue", "downtown", "import", "-", "--json")
    assert status == 0
    assert json.loads(out)["booked"] == 2


def test_an_unknown_venue_and_a_missing_file(downtown: Barback, tmp_path: Path) -> None:
    path = jsonl(tmp_path / "r.jsonl", closed(1))
    status, _, err = downtown("--venue", "nowhere", "import", path)
    assert status == 2
    assert err.startswith("barback: there is no venue 'nowhere'")
    missing = str(tmp_path / "missing.jsonl")
    status, _, err = downtown("--venue", "downtown", "import", missing)
    assert (status, err.splitlines()[0]) == (
        2,
        f"barback: cannot read {missing}: there is no such file (give the path of a JSON file)",
    )
    assert "Error" not in err  # issue 11: no exception class name reaches a user
    status, _, err = downtown("--venue", "downtown", "import", str(tmp_path))
    assert (status, "it is a folder, not a file" in err) == (2, True)


def test_values_out_of_bounds_book_nothing_and_name_the_field(
    downtown: Barback, tmp_path: Path
) -> None:
    """Issue 11: a quantity of "99999999999999999999" printed "failed: OverflowError" (exit 1);
    a 5,000-digit number or JSON 1,000 deep would not even decode. The file books nothing."""
    huge = closed(2)
    huge["receipt"]["lines"][0]["net_amount"] = 9223372036854774808  # type: ignore[index]
    deep = '{"event_id": "evt-9", "x": ' + "[" * 1000 + "]" * 1000 + "}"
    path = jsonl(
        tmp_path / "r.jsonl",
        closed(1),
        closed(2, quantity="99999999999999999999"),
        huge,
        closed(4, quantity="0.0004"),
        deep,
        '{"event_id": "evt-6", "n": ' + "9" * 5000 + "}",
    )
    status, out, err = downtown("--venue", "downtown", "import", path)
    assert (status, out) == (2, "")
    assert err.splitlines() == [
        "barback: 5 events cannot be read; nothing was booked:",
        "line 2: receipt.lines[0].quantity is over the limit of 10,000",
        "line 3: receipt.lines[0].net_amount is over the limit of 1,000,000,000,000 minor units",
        "line 4: receipt.lines[0].quantity has more decimals than barback keeps (3) (send at "
        "most 3 decimals; it is refused rather than rounded)",
        "line 5 nests deeper than 32 levels",
        "line 6 holds a number of more than 19 digits",
    ]
    assert "Error" not in err


def test_a_refund_before_its_sale_in_the_file_waits_for_it(
    downtown: Barback, tmp_path: Path
) -> None:
    """Issue 11: `import` refused a refund that came before its sale in the same file, although
    the webhooks wait for it."""
    path = jsonl(tmp_path / "r.jsonl", refunded(1, "R-1"), closed(1))
    status, out, err = downtown("--venue", "downtown", "import", path)
    assert (status, err) == (0, "")
    assert out.splitlines()[0] == "booked 2, duplicates 0, refused 0"
    status, out, _ = downtown("--venue", "downtown", "sales", "2026-11-21", "--json")
    assert (json.loads(out)["net_sales"], json.loads(out)["refunds"]) == ("0.00", "8.00")


def test_a_receipt_from_the_future_is_refused(downtown: Barback, tmp_path: Path) -> None:
    """Issue 11: a receipt closed 2031-06-01 was booked and moved today's stock."""
    future = closed(1)
    future["receipt"]["closed_at"] = "2031-06-01T21:00:00-04:00"  # type: ignore[index]
    status, out, err = downtown("--venue", "downtown", "import", jsonl(tmp_path / "r", future))
    assert (status, out.splitlines()[0]) == (2, "booked 0, duplicates 0, refused 1")
    assert "closed_at 2031-06-01T21:00:00-04:00 is more than a day ahead of now" in err
    status, out, _ = downtown("--venue", "downtown", "stock", "--json")
    assert json.loads(out)["products"][0]["on_hand"] == 0
