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
        "barback: refused line 2 (R-2): receipt generic:R-2 is in EUR, the venue counts in USD "
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
    status, _, err = downtown("--venue", "downtown", "import", str(tmp_path / "missing.jsonl"))
    assert status == 1
    assert err.startswith("barback: failed: No such file or directory: ")
    assert "FileNotFoundError" not in err
