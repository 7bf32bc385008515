"""`barback events [--failed]`, `barback events replay`, `barback worker --once`, both databases."""

from __future__ import annotations

import argparse
import asyncio
import json

import pytest
from aiohttp.test_utils import TestClient, TestServer
from cryptography.fernet import Fernet

from app.cli_ops import add_ops_commands
from app.config import Settings
from storage.database import open_database
from tests.app.test_cli import ADD_DOWNTOWN, Barback
from tests.app.webhook_world import closed, post, webhook_app

KEY = Fernet.generate_key().decode()


@pytest.fixture
def downtown(database_url: str, capsys: pytest.CaptureFixture[str]) -> Barback:
    run = Barback({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}, capsys)
    assert run("db", "upgrade")[0] == 0
    assert run(*ADD_DOWNTOWN)[0] == 0
    return run


def ops(database_url: str, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="barback")
    add_ops_commands(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    env = {"DATABASE_URL": database_url, "BARBACK_SECRET_KEY": KEY}
    status = args.command(args, Settings.from_env(env))
    out, err = capsys.readouterr()
    return status, out, err


def deliver(database_url: str, secret: str, *events: dict[str, object]) -> None:
    """Store events through the real route, with processing off (a web process alone)."""

    async def go() -> None:
        database = await open_database(database_url)
        client = TestClient(TestServer(webhook_app(database, worker=False)))
        try:
            await client.start_server()
            for event in events:
                assert (await post(client, "downtown", secret, event))[0] == 200
        finally:
            await client.close()
            await database.close()

    asyncio.run(go())


def test_list_fail_and_replay(
    downtown: Barback,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    secret = downtown("venue", "secret", "downtown")[1].strip()
    # Fine at the door, refused when booked: R-1's version 1 again, with a line it never had
    # (a sender must number an edited receipt).
    edited = closed(1, lines=2)
    edited["event_id"] = "evt-1-edited"
    deliver(database_url, secret, closed(1), edited)

    status, out, _ = ops(database_url, capsys, "events")
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "PROVIDER", "STATE", "ATTEMPTS", "RECEIVED", "LAST", "ERROR"]
    assert [line.split()[1:4] for line in lines[1:]] == [["generic", "pending", "0"]] * 2

    assert ops(database_url, capsys, "worker", "--once")[2].endswith("processed 2 events\n")
    out = ops(database_url, capsys, "events")[1]
    rows = [line.split()[:4] for line in out.splitlines()[1:]]
    assert rows == [["2", "generic", "failed", "1"], ["1", "generic", "done", "0"]]
    assert "refused: receipt 'R-1' version 1 was booked before without line 'L2'" in out
    assert "InvalidInput" not in out  # written for people

    out = ops(database_url, capsys, "events", "--failed")[1]
    assert [line.split()[0] for line in out.splitlines()[1:]] == ["2"]

    listed = json.loads(ops(database_url, capsys, "events", "--json")[1])["events"]
    assert [(e["id"], e["provider"], e["state"], e["attempts"]) for e in listed] == [
        (2, "generic", "failed", 1),
        (1, "generic", "done", 0),
    ]
    assert "without line 'L2'" in listed[0]["last_error"] and listed[1]["last_error"] is None
    assert listed[1]["processed_at"] is not None and listed[0]["processed_at"] is None
    failed = json.loads(ops(database_url, capsys, "events", "--failed", "--json")[1])
    assert [e["id"] for e in failed["events"]] == [2]

    assert ops(database_url, capsys, "events", "replay", "2") == (0, "", "event 2 is due again\n")
    assert ops(database_url, capsys, "events", "--failed")[2] == "no failed events\n"
    out = ops(database_url, capsys, "events")[1]
    assert out.splitlines()[1].split()[:4] == ["2", "generic", "pending", "0"]
    assert ops(database_url, capsys, "events", "replay", "--failed")[2] == (
        "0 failed events due again\n"
    )


def test_events_as_json_when_there_are_none(
    downtown: Barback, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert ops(database_url, capsys, "events", "--json") == (0, '{"events": []}\n', "")


@pytest.mark.parametrize("limit", ["0", "1001"])
def test_a_limit_out_of_bounds_is_refused(downtown: Barback, limit: str) -> None:
    status, out, err = downtown("events", "--limit", limit)
    assert (status, out) == (2, "")
    assert err == f"barback: --limit must be from 1 to 1000 (got {limit})\n"


def test_replay_of_an_unknown_event_is_refused(
    downtown: Barback,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from engine.errors import NotFound

    with pytest.raises(NotFound, match="there is no event 99"):
        ops(database_url, capsys, "events", "replay", "99")


def test_the_barback_command_has_events_and_worker(downtown: Barback) -> None:
    assert downtown("events") == (0, "", "no events yet\n")
    assert downtown("events", "--failed") == (0, "", "no failed events\n")
