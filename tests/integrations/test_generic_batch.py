"""`barback import` files: one object, an array, or JSON lines; every problem with its place."""

from __future__ import annotations

import json

import pytest

from engine.errors import InvalidInput
from integrations.generic.batch import MAX_PROBLEMS, UnreadableEvents, read_events
from integrations.generic.normalize import ReceiptClosed


def event(n: int, **receipt: object) -> dict[str, object]:
    body: dict[str, object] = {
        "id": f"R-{n}",
        "closed_at": "2026-11-21T23:15:02-05:00",
        "currency": "USD",
        "lines": [{"id": "L1", "name": "Margarita", "quantity": "1", "net_amount": 1200}],
    }
    return {"event_id": f"evt-{n}", "type": "receipt.closed", "receipt": body | receipt}


def test_one_object_an_array_and_json_lines() -> None:
    one = read_events(json.dumps(event(1), indent=2))
    assert [(e.where, e.event.event_id) for e in one] == [("event 1", "evt-1")]
    many = read_events(json.dumps([event(1), event(2)]))
    assert [e.where for e in many] == ["event 1", "event 2"]
    lines = "\n".join(json.dumps(event(n)) for n in (1, 2, 3)).replace("\n", "\n\n", 1)
    read = read_events(lines + "\n")
    assert [e.where for e in read] == ["line 1", "line 3", "line 4"]
    assert all(isinstance(e.event, ReceiptClosed) for e in read)


def test_every_problem_is_listed_with_its_line() -> None:
    lines = [
        json.dumps(event(1)),
        "{oops",
        json.dumps(event(3)),
    ]
    with pytest.raises(UnreadableEvents) as caught:
        read_events("\n".join(lines))
    assert caught.value.problems == (
        "line 2: not JSON (Expecting property name enclosed in double quotes at column 2)",
    )
    lines[1] = json.dumps(event(2, currency=7))
    lines.append(json.dumps(event(4, closed_at="2026-11-21 23:15")))
    with pytest.raises(UnreadableEvents) as caught:
        read_events("\n".join(lines))
    assert caught.value.problems == (
        "line 2: receipt.currency must be a string, not a number",
        "line 4: receipt.closed_at '2026-11-21 23:15' has no UTC offset "
        "(e.g. 2026-11-21T23:15:02-05:00)",
    )
    assert str(caught.value).startswith("2 events cannot be read; nothing was booked:\nline 2:")


def test_in_an_array_the_event_number_is_given() -> None:
    with pytest.raises(UnreadableEvents, match=r"event 2: receipt\.lines must be a non-empty"):
        read_events(json.dumps([event(1), event(2, lines=[])]))


def test_many_problems_are_cut_short() -> None:
    with pytest.raises(UnreadableEvents) as caught:
        read_events("\n".join("nope" for _ in range(30)))
    assert len(caught.value.problems) == 30
    assert str(caught.value).endswith("... and 10 more")
    assert str(caught.value).count("\n") == MAX_PROBLEMS + 1


@pytest.mark.parametrize("text", ["", "  \n", "[]"])
def test_nothing_to_import(text: str) -> None:
    with pytest.raises(InvalidInput, match="no events"):
        read_events(text)
