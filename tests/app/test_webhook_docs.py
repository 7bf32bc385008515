"""docs/webhooks.md: its examples are events barback books, and its signing snippets (Python;
openssl and curl in a shell) are accepted by the real service."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from integrations.generic.normalize import ReceiptClosed, ReceiptRefunded, normalize
from storage.database import Database
from tests.app.webhook_world import generic_bar, stored, webhook_app

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), re.S)


def test_the_examples_are_events() -> None:
    closed, refunded = (json.loads(block) for block in blocks("json"))
    assert isinstance(normalize(closed), ReceiptClosed)
    refund = normalize(refunded)
    assert isinstance(refund, ReceiptRefunded)
    assert refund.refund.refund_of == closed["receipt"]["id"]


async def run_snippet(
    database: Database, tmp_path: Path, command: list[str], event_id: str
) -> subprocess.CompletedProcess[str]:
    world, secret = await generic_bar(database)
    event = json.loads(blocks("json")[0]) | {"event_id": event_id}
    # Written with line breaks and spaces: the signature must cover the bytes as sent.
    (tmp_path / "event.json").write_text(json.dumps(event, indent=2) + "\n")
    server = TestServer(webhook_app(database, worker=False))
    await server.start_server()
    env = os.environ | {
        "BARBACK_URL": str(server.make_url("")).rstrip("/"),
        "VENUE": world.venue,
        "SECRET": secret,
    }
    try:
        return await asyncio.to_thread(
            subprocess.run, command, cwd=tmp_path, env=env, capture_output=True, text=True
        )
    finally:
        await server.close()


@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
async def test_the_python_snippet_is_accepted(database: Database, tmp_path: Path) -> None:
    [snippet] = blocks("python")
    done = await run_snippet(database, tmp_path, [sys.executable, "-c", snippet], "evt-doc-py")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"status": "accepted", "event_id": "evt-doc-py"}
    assert await stored(database) == 1


@pytest.mark.skipif(
    not (shutil.which("openssl") and shutil.which("curl")), reason="needs openssl and curl"
)
@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
async def test_the_shell_snippet_is_accepted(database: Database, tmp_path: Path) -> None:
    [snippet] = blocks("sh")
    done = await run_snippet(database, tmp_path, ["bash", "-c", snippet], "evt-doc-sh")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"status": "accepted", "event_id": "evt-doc-sh"}
    assert await stored(database) == 1
