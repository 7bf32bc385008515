"""`connect toast <restaurant guid>`: checked with Toast, bound, audited; and every refusal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from cryptography.fernet import Fernet

from app.config import Secret, Settings
from app.pos_offers import pos_offers
from bot.commands.replies import Reply
from bot.commands.session import Actor, SessionContext, run
from engine.usecases import reports
from storage.connections import SqlConnections
from storage.database import Database
from tests.app.test_cli import ADD_DOWNTOWN, Barback
from tests.app.test_webhooks_toast import KEY, toast_env
from tests.engine.usecases_world import FakeClock, make_world
from tests.integrations.fakes.toast import RESTAURANT, FakeToast

UPTOWN_GUID = "1e2d3c4b-0000-4000-8000-000000000001"


@pytest.fixture
async def toast() -> AsyncIterator[FakeToast]:
    async with FakeToast() as fake:
        yield fake


async def connect(database: Database, toast: FakeToast, words: str, venue: str = "downtown",
                  **env: str) -> Reply:  # fmt: skip
    settings = Settings.from_env(
        {"DATABASE_URL": "sqlite+aiosqlite:///:memory:", **toast_env(toast), **env}
    )
    async with database.unit_of_work() as uow:
        place = await uow.venues.get(venue)
    ctx = SessionContext(
        venue=place,
        actor=Actor.terminal("sam"),
        uow=database.unit_of_work,
        clock=FakeClock(datetime.now(UTC)),
        pos_offers=pos_offers(settings, database, Secret(KEY)),
    )
    return await run(words, ctx)


async def test_a_restaurant_that_gave_access_is_bound_and_audited(
    database: Database, toast: FakeToast
) -> None:
    await make_world(database)
    toast.grant(RESTAURANT, "The Fake Tap Room")
    reply = await connect(database, toast, f"connect toast {RESTAURANT.upper()}")
    assert reply.ok, reply.summary
    assert reply.summary == f"connected Toast: restaurant The Fake Tap Room ({RESTAURANT}) (by sam)"
    connection = await SqlConnections(database.engine, Fernet(KEY)).get("toast", RESTAURANT)
    assert connection is not None and connection.location_ids == ()
    history = await reports.history(database.unit_of_work, "downtown")
    assert [(e.action, e.target, e.actor) for e in history.entries][:1] == [
        ("connect", "Toast", "terminal:sam")
    ]
    again = await connect(database, toast, f"connect toast {RESTAURANT}")
    assert again.ok and "(unchanged)" in again.summary


@pytest.mark.parametrize(
    ("words", "message", "hint"),
    [
        ("connect toast", "connect toast needs the restaurant GUID", "connect toast <restaurant"),
        ("connect toast downtown", "'downtown' is not a Toast restaurant GUID", "e.g. 0cd990c9"),
        (f"connect toast {UPTOWN_GUID}", f"Toast restaurant {UPTOWN_GUID} has not given barback",
         "add barback to the restaurant in Toast Web"),
    ],
)  # fmt: skip
async def test_what_toast_cannot_bind_is_refused(
    database: Database, toast: FakeToast, words: str, message: str, hint: str
) -> None:
    await make_world(database)
    toast.grant(RESTAURANT)
    reply = await connect(database, toast, words)
    assert not reply.ok
    assert reply.summary.startswith(message) and hint in str(reply.data.get("hint"))
    assert await SqlConnections(database.engine, Fernet(KEY)).all("toast") == []


async def test_a_restaurant_of_another_venue_is_not_moved(
    database: Database, toast: FakeToast
) -> None:
    await make_world(database)
    await make_world(database, venue="uptown")
    toast.grant(RESTAURANT)
    assert (await connect(database, toast, f"connect toast {RESTAURANT}", "uptown")).ok
    reply = await connect(database, toast, f"connect toast {RESTAURANT}")
    assert (reply.ok, reply.error_code) == (False, "conflict")
    connection = await SqlConnections(database.engine, Fernet(KEY)).get("toast", RESTAURANT)
    async with database.unit_of_work() as uow:
        uptown = await uow.venues.get("uptown")
    assert connection is not None and connection.venue_id == uptown.id


async def test_toast_down_or_refusing_the_credentials_is_said(
    database: Database, toast: FakeToast
) -> None:
    await make_world(database)
    toast.grant(RESTAURANT)
    toast.outage(1)
    down = await connect(database, toast, f"connect toast {RESTAURANT}")
    assert (down.ok, down.summary) == (False, "Toast did not answer")
    assert down.data["hint"] == "try again in a minute"
    wrong = await connect(
        database, toast, f"connect toast {RESTAURANT}", TOAST_CLIENT_SECRET="not-the-secret"
    )
    assert (wrong.ok, wrong.summary) == (False, "Toast refused barback's client credentials")
    assert "not-the-secret" not in wrong.to_json()


async def test_the_terminal_binds_through_toast(
    database_url: str, capsys: pytest.CaptureFixture[str], toast: FakeToast
) -> None:
    cli = Barback({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "USER": "sam",
                   **toast_env(toast)}, capsys)  # fmt: skip
    toast.grant(RESTAURANT, "The Fake Tap Room")

    def session() -> tuple[int, str, str]:
        assert cli("db", "upgrade")[0] == 0 and cli(*ADD_DOWNTOWN)[0] == 0
        return cli("--venue", "downtown", "connect", "toast", RESTAURANT)

    # In a thread: the CLI runs its own event loop while the fake answers on this one.
    status, out, err = await asyncio.to_thread(session)
    assert (status, err) == (0, "")
    assert out.startswith("connected Toast: restaurant The Fake Tap Room")
