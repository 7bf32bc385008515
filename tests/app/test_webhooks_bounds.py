"""Issue 11, "One signed line poisons a day": every value out of bounds is a 400 at the generic
route naming the field, nothing is stored, and the books do not move (both databases).

Each case was reproduced before the bounds: answered 200 and then failed the day's bookings for
hours (a net amount of 9,223,372,036,854,774,808, a quantity of 99999999999999999999), or a 500
(JSON 1,000 deep, a 5,000-digit integer), or a EUR receipt at a USD venue answered 200, or a
receipt closed in 2031 booked and moving today's stock.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_aiohttp import AiohttpClient

from storage.database import Database
from tests.app.webhook_world import Books, books, closed, generic_bar, post, settled, stored
from tests.app.webhook_world import webhook_app as app_for

NOTHING = Books(0, 0, 0, (("Tito's Vodka", 0),))
LINE = {"name": "x", "quantity": "1", "net_amount": 1}


def edited(change: str, value: Any) -> dict[str, Any]:
    event = closed(1, lines=2)
    receipt = event["receipt"]
    where, _, key = change.rpartition(".")
    target = receipt if not where else receipt["lines"][0]
    target[key] = value
    return event


CASES: list[tuple[str, dict[str, Any] | bytes, str]] = [
    (
        "a net amount past 64 bits' reach",
        edited("line.net_amount", 9223372036854774808),
        "receipt.lines[0].net_amount is over the limit",
    ),
    (
        "a 20-digit quantity",
        edited("line.quantity", "99999999999999999999"),
        "receipt.lines[0].quantity is over the limit of 10,000",
    ),
    (
        "a fourth decimal",
        edited("line.quantity", "0.3333"),
        "receipt.lines[0].quantity has more decimals than barback keeps (3)",
    ),
    ("a 600-character id", edited("id", "R" * 600), "receipt.id has 600 characters"),
    (
        "a 100,000-character name",
        edited("line.name", "x" * 100_000),
        "receipt.lines[0].name has 100000 characters",
    ),
    (
        "a NUL in a name",
        edited("line.name", "Tito's\x00Shot"),
        "receipt.lines[0].name holds a control character",
    ),
    (
        "a close in year 1",
        edited("closed_at", "0001-01-01T00:00:00+00:00"),
        "receipt.closed_at 0001-01-01T00:00:00+00:00 is before 2000-01-01",
    ),
    (
        "a close in year 9999",
        edited("closed_at", "9999-12-31T23:59:59-05:00"),
        "is more than a day ahead of now",
    ),
    (
        "a close in 2031",
        edited("closed_at", "2031-06-01T21:00:00-04:00"),
        "closed_at 2031-06-01T21:00:00-04:00 is more than a day ahead of now",
    ),
    ("euros at a dollar venue", edited("currency", "EUR"), "currency is EUR, the venue counts in"),
    (
        "501 lines",
        edited(
            "lines",
            [{"id": f"L{i}", "name": "x", "quantity": "1", "net_amount": 1} for i in range(501)],
        ),
        "receipt.lines has 501 entries; the limit is 500",
    ),
    ("a version past 2**53", edited("version", 2**60), "receipt.version must be a whole number"),
    (
        "JSON 1,000 deep",
        b'{"event_id": "evt-1", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}",
        "the body nests deeper than 32 levels",
    ),
    (
        "JSON 40 deep",
        b'{"event_id": "evt-1", "x": ' + b"[" * 40 + b"]" * 40 + b"}",
        "the body nests deeper than 32 levels",
    ),
    (
        "a 5,000-digit integer",
        json.dumps(closed(1))[:-2].encode() + b', "n": ' + b"9" * 5000 + b"}}",
        "the body holds a number of more than 19 digits",
    ),
    ("NaN", json.dumps(edited("line.net_amount", float("nan"))).encode(), "holds NaN"),
]


@pytest.mark.parametrize(("case", "body", "reason"), CASES, ids=[c[0] for c in CASES])
async def test_a_value_out_of_bounds_is_a_400_naming_it_and_changes_nothing(
    database: Database,
    aiohttp_client: AiohttpClient,
    case: str,
    body: dict[str, Any] | bytes,
    reason: str,
) -> None:
    world, secret = await generic_bar(database)
    client = await aiohttp_client(app_for(database))

    status, answer = await post(client, "downtown", secret, body)

    assert (status, answer["error"]) == (400, "bad_payload"), answer
    assert reason in answer["reason"]
    assert await stored(database) == 0
    # the same venue still books a sound receipt, and nothing of the refused one
    assert (await post(client, "downtown", secret, closed(2)))[0] == 200
    await settled(database)
    assert await books(world) == Books(1, 1, 800, (("Tito's Vodka", -44_360),))


async def test_values_at_their_bounds_book(
    database: Database, aiohttp_client: AiohttpClient
) -> None:
    """The largest amount and quantity, a 200-character id and name, three decimals: booked."""
    world, secret = await generic_bar(database)
    client = await aiohttp_client(app_for(database))
    event = closed(1)
    line = event["receipt"]["lines"][0]
    line.update(quantity="10000.000", net_amount=10**12, id="L" * 200)
    event["receipt"]["id"] = "R" * 200
    assert (await post(client, "downtown", secret, event))[0] == 200
    await settled(database)
    assert await stored(database, state="done") == 1
    assert (await books(world)).net_sales == 10**12
    assert await books(world) != NOTHING
