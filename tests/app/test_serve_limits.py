"""`barback serve` as a process under pressure: a flood of idle connections against a small
open-file limit, and SIGTERM while a POS is still uploading."""

from __future__ import annotations

import asyncio
import os
import resource
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage.database import open_database
from storage.migrate import upgrade_database
from tests.app.test_serve import barback_command, free_port, wait_for_health
from tests.app.webhook_world import closed, generic_bar, signed

FILE_LIMIT = 512  # the server's own; 600 idle connections would have taken every descriptor


async def a_bar(database_url: str) -> str:
    """The generic bar in the test's database; its webhook secret."""
    database = await open_database(database_url)
    try:
        await upgrade_database(database)
        _, secret = await generic_bar(database)
    finally:
        await database.close()
    return secret


def server_env(database_url: str, tmp_path: Path, port: int) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "SQUARE_", "TOAST_", "CLOVER_", "SHOPIFY_", "BARBACK_"))
    }
    return env | {
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "BARBACK_DATA_DIR": str(tmp_path / "data"),
        "LOG_LEVEL": "INFO",
    }


@contextmanager
def serving(
    database_url: str, tmp_path: Path, *, file_limit: int | None = None
) -> Iterator[tuple[subprocess.Popen[str], int]]:
    port = free_port()

    def limit_files() -> None:
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (file_limit, file_limit))

    process = subprocess.Popen(
        [*barback_command(), "serve"],
        env=server_env(database_url, tmp_path, port),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=limit_files,
    )
    try:
        wait_for_health(f"http://127.0.0.1:{port}/healthz", process, time.monotonic() + 30)
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


def post_head(secret: str, n: int) -> tuple[bytes, bytes]:
    """A signed webhook's request head and body, to send by hand."""
    body, headers = signed(secret, closed(n))
    lines = ["POST /webhooks/generic/downtown HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    lines += [f"Content-Length: {len(body)}", "Connection: close", "", ""]
    return "\r\n".join(lines).encode(), body


def answer_of(connection: socket.socket, *, within: float = 60) -> bytes:
    connection.settimeout(within)
    chunks = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def open_descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.mark.slow
async def test_a_flood_of_idle_connections_cannot_lock_the_pos_out(
    database_url: str, tmp_path: Path
) -> None:
    secret = await a_bar(database_url)
    with serving(database_url, tmp_path, file_limit=FILE_LIMIT) as (process, port):
        flood = []
        try:
            for _ in range(600):
                flood.append(socket.create_connection(("127.0.0.1", port), timeout=30))
            head, body = post_head(secret, 1)
            with socket.create_connection(("127.0.0.1", port), timeout=30) as pos:
                pos.sendall(head + body)
                answer = await asyncio.to_thread(answer_of, pos)
            assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
            assert open_descriptors(process.pid) < FILE_LIMIT
        finally:
            for connection in flood:
                connection.close()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert "at most 256 connections at once (open-file limit 512)" in output
    assert "the most allowed: closing the longest idle ones" in output
    assert "Too many open files" not in output
    assert "Traceback" not in output


@pytest.mark.slow
async def test_sigterm_lets_an_upload_in_flight_finish_and_stops_listening(
    database_url: str, tmp_path: Path
) -> None:
    secret = await a_bar(database_url)
    with serving(database_url, tmp_path) as (process, port):
        head, body = post_head(secret, 1)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as pos:
            pos.sendall(head + body[:20])
            time.sleep(0.5)  # the request is in its handler, reading the body
            process.send_signal(signal.SIGTERM)
            time.sleep(1.0)
            with pytest.raises(ConnectionRefusedError):
                socket.create_connection(("127.0.0.1", port), timeout=5).close()
            pos.sendall(body[20:])
            answer = await asyncio.to_thread(answer_of, pos)
        output, _ = process.communicate(timeout=30)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    assert b'"status": "accepted"' in answer
    assert process.returncode == 0, output


@pytest.mark.slow
async def test_sigterm_answers_an_unfinished_upload_and_exits_within_the_grace(
    database_url: str, tmp_path: Path
) -> None:
    secret = await a_bar(database_url)
    with serving(database_url, tmp_path) as (process, port):
        head, body = post_head(secret, 1)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as pos:
            pos.sendall(head + body[:20])  # and never the rest
            time.sleep(0.5)
            signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
            answer = await asyncio.to_thread(answer_of, pos)
            output, _ = process.communicate(timeout=60)
            stopped_after = time.monotonic() - signalled
    assert answer.startswith(b"HTTP/1.1 503 "), answer[:200]
    assert b"Retry-After: 5" in answer
    assert process.returncode == 0, output
    # The grace is 10 s; before, the server waited 30 s and the upload got no answer at all.
    assert stopped_after < 25, stopped_after
