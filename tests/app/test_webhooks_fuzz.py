"""Issue 11's "Done when": signed generic bodies built from hostile values (huge, negative,
non-finite, deep, long, wrong types, wrong currency, far dates) through the real route and the
real worker, on both databases. Never a 5xx, never a stuck event (every stored event ends done
or failed), and the books unchanged by every refused one.

Examples are bounded (`max_examples`) so `make test` stays quick; one app serves them all.
"""

from __future__ import annotations

import copy
import itertools
import json
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from storage.database import Database
from storage.inbox import SqlInbox
from tests.app.webhook_world import Books, books, closed, generic_bar, post, settled, webhook_app
from tests.engine.usecases_world import World

pytestmark = pytest.mark.slow

BASE = closed("base", lines=2)
BASE["receipt"]["lines"][1]["modifiers"] = [{"name": "Double", "quantity": "1"}]

LINE = {"name": "Tito's Shot", "quantity": "1", "net_amount": 1}
PATHS: list[tuple[str | int, ...]] = [
    ("event_id",),
    ("type",),
    ("receipt",),
    ("receipt", "id"),
    ("receipt", "closed_at"),
    ("receipt", "currency"),
    ("receipt", "version"),
    ("receipt", "lines"),
    ("receipt", "lines", 0),
    ("receipt", "lines", 0, "id"),
    ("receipt", "lines", 0, "name"),
    ("receipt", "lines", 0, "item_id"),
    ("receipt", "lines", 0, "quantity"),
    ("receipt", "lines", 0, "net_amount"),
    ("receipt", "lines", 1, "modifiers"),
    ("receipt", "lines", 1, "modifiers", 0, "name"),
    ("receipt", "lines", 1, "modifiers", 0, "quantity"),
]

HOSTILE = st.one_of(
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([2**63, 2**63 - 1, 2**64, -1, 0, 10**12, 10**12 + 1, 9223372036854774808]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=30),
    st.sampled_from(["x" * 201, "R" * 600, "n" * 100_000, "ß" * 150, "a\x00b", "\ud800", " "]),
    st.sampled_from(["0.0004", "0.3333", "99999999999999999999", "-1", "1e9", "10000.001", ""]),
    st.sampled_from(["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-05:00"]),
    st.sampled_from(["2031-06-01T21:00:00-04:00", "1999-12-31T23:59:59Z", "2026-11-21T21:00"]),
    st.sampled_from(["EUR", "usd", "US", "XXX", "€"]),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.builds(lambda n: [LINE | {"id": f"L{i}"} for i in range(n)], st.sampled_from([0, 501])),
)

RAW_BODIES = [
    b'{"event_id": "evt-deep", "x": ' + b"[" * 1000 + b"]" * 1000 + b"}",
    b'{"event_id": "evt-digits", "n": ' + b"9" * 5000 + b"}",
    json.dumps(BASE).replace('"net_amount": 800', '"net_amount": NaN').encode(),
    json.dumps(BASE).replace('"net_amount": 800', '"net_amount": Infinity').encode(),
    json.dumps(BASE).replace('"net_amount": 800', '"net_amount": -1e999').encode(),
    b"\xff\xfe not utf-8",
    b"[]",
    b"",
]
RAW = st.sampled_from(RAW_BODIES)


def mutated(path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    event = copy.deepcopy(BASE)
    target: Any = event
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return event


def twice(first: tuple[tuple[str | int, ...], Any], then: Any) -> Any:
    """Two values out of place at once."""
    event = mutated(*first)
    if isinstance(event.get("receipt"), dict):
        event["receipt"]["version"] = then
    return event


BODIES = st.one_of(
    st.builds(mutated, st.sampled_from(PATHS), HOSTILE),
    RAW,
    st.builds(twice, st.tuples(st.sampled_from(PATHS), HOSTILE), HOSTILE),
)

# The failures issue 11 reproduced, tried on every run whatever else is drawn.
EXAMPLES: list[Any] = [
    *RAW_BODIES,
    *(
        mutated(path, value)
        for path, value in (
            (("receipt", "lines", 0, "net_amount"), 9223372036854774808),
            (("receipt", "lines", 0, "quantity"), "99999999999999999999"),
            (("receipt", "id"), "R" * 600),
            (("receipt", "lines", 0, "name"), "n" * 100_000),
            (("receipt", "closed_at"), "0001-01-01T00:00:00+00:00"),
            (("receipt", "closed_at"), "9999-12-31T23:59:59-05:00"),
            (("receipt", "closed_at"), "2031-06-01T21:00:00-04:00"),
            (("receipt", "currency"), "EUR"),
        )
    ),
]

_apps: dict[int, tuple[World, str, TestClient[Any, Any]]] = {}
_ids = itertools.count(1)


async def app(database: Database) -> tuple[World, str, TestClient[Any, Any]]:
    if id(database) not in _apps:
        world, secret = await generic_bar(database)
        client: TestClient[Any, Any] = TestClient(TestServer(webhook_app(database)))
        await client.start_server()
        _apps[id(database)] = (world, secret, client)
    return _apps[id(database)]


@pytest.fixture
async def served(database: Database) -> Any:
    yield database
    found = _apps.pop(id(database), None)
    if found is not None:
        await found[2].close()


def seeded(test: Any) -> Any:
    for body in reversed(EXAMPLES):
        test = example(body=body)(test)
    return test


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@seeded
@given(body=BODIES)
async def test_hostile_bodies_never_break_the_books(served: Database, body: Any) -> None:
    world, secret, client = await app(served)
    if isinstance(body, dict) and body.get("event_id") == BASE["event_id"]:
        body["event_id"] = f"evt-fuzz-{next(_ids)}"  # each example its own event
        if isinstance(body.get("receipt"), dict) and body["receipt"].get("id") == "R-base":
            body["receipt"]["id"] = f"R-fuzz-{next(_ids)}"
    before: Books = await books(world)
    inbox = SqlInbox(served.engine)
    stored_before = {e.id for e in await inbox.list(limit=1000)}

    status, answer = await post(client, world.venue, secret, body)

    assert status < 500, answer
    await settled(served, timeout=20)  # never a stuck event: nothing stays pending
    new = [e for e in await inbox.list(limit=1000) if e.id not in stored_before]
    assert all(e.state.value in ("done", "failed") for e in new), new
    after = await books(world)
    if status != 200 or any(e.state.value == "failed" for e in new):
        assert after == before, (status, answer, new)
