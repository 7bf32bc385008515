"""Logs carry no receipt contents and no SQL parameters: a booking the database refuses is logged
(with its traceback) and shown in `barback events`, but what the receipt said is in neither."""

from __future__ import annotations

import asyncio
import io
import logging
import time
from collections.abc import Iterator

import pytest
from pytest_aiohttp import AiohttpClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError

from app.logs import configure_logging, redact
from storage.database import Database
from storage.inbox import SqlInbox
from tests.app.webhook_world import generic_bar, post, webhook_app

SECRET_ID = "R-ALICE-4111-1111"
SECRET_LINE = "L-ALICE-EXAMPLE"
SECRET_NAME = "Table of Alice Example"

REFUSE_RECEIPTS = {
    "sqlite": [
        "CREATE TRIGGER no_receipts BEFORE INSERT ON receipts BEGIN "
        "SELECT RAISE(ABORT, 'the receipts table refuses rows'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION 'the receipts table refuses rows'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER no_receipts BEFORE INSERT ON receipts "
        "FOR EACH ROW EXECUTE FUNCTION refuse()",
    ],
}


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """The service's own logging (DEBUG, JSON lines) into a buffer."""
    stream = io.StringIO()
    configure_logging("DEBUG", "json", stream=stream)
    yield stream
    logging.getLogger().setLevel(logging.WARNING)


async def test_a_failing_booking_logs_no_receipt_content(
    database: Database, aiohttp_client: AiohttpClient, log: io.StringIO
) -> None:
    _, secret = await generic_bar(database)
    async with database.engine.begin() as connection:
        for statement in REFUSE_RECEIPTS[database.dialect]:
            await connection.execute(text(statement))
    client = await aiohttp_client(webhook_app(database))
    receipt = {
        "event_id": "evt-1",
        "type": "receipt.closed",
        "receipt": {
            "id": SECRET_ID,
            "closed_at": "2026-11-21T21:00:00-05:00",
            "currency": "USD",
            "lines": [
                {"id": SECRET_LINE, "name": "Tito's Shot", "quantity": "1", "net_amount": 800}
            ],
        },
    }

    assert (await post(client, "downtown", secret, receipt))[0] == 200
    inbox = SqlInbox(database.engine)
    deadline = time.monotonic() + 30
    while not (event := (await inbox.list())[0]).attempts:
        assert time.monotonic() < deadline, "the booking was never tried"
        await asyncio.sleep(0.05)

    written = log.getvalue()
    assert "event processing broke" in written  # the failure is logged, with its traceback
    assert "the receipts table refuses rows" in written
    assert SECRET_ID not in written
    assert SECRET_LINE not in written
    # `barback events` shows why, in words, without the statement, its values or a class name.
    assert event.last_error == "unexpected error: the receipts table refuses rows"


def test_statement_parameters_are_scrubbed_at_the_logging_edge() -> None:
    """An engine opened without `hide_parameters` (a library's) still logs no values."""
    engine = create_engine("sqlite://")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (name TEXT UNIQUE)"))
        connection.execute(text("INSERT INTO t VALUES (:name)"), {"name": SECRET_NAME})
        with pytest.raises(IntegrityError) as raised:
            connection.execute(text("INSERT INTO t VALUES (:name)"), {"name": SECRET_NAME})
    assert SECRET_NAME in str(raised.value)
    scrubbed = redact(str(raised.value))
    assert SECRET_NAME not in scrubbed
    assert "[parameters hidden]" in scrubbed
    assert "UNIQUE constraint failed" in scrubbed
    engine.dispose()
