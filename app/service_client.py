"""The terminal's side of `barback serve`'s local socket: a one-shot command, answered at once.

A command such as `barback --venue demo stock` run in this process imports the grammar,
SQLAlchemy and a database driver before it can read a row (about a second on a small machine).
`barback serve` has them loaded, so when one runs on this data directory the terminal sends it
the words over a Unix socket (`$BARBACK_DATA_DIR/barback.sock`, owner-only) and prints the
answer. This module imports only the standard library, so such a command costs little more
than Python's own start.

When nothing answers on the socket (no service, a stale file, another OS), or the service uses
another database than this process would (it answers 409 before running anything), `ask_service`
returns None and the command runs here. Once the words are sent, they are never sent twice nor
run here as well: a lost answer is a failure that says so, because the command may have run.

The protocol: `POST /commands` with a JSON object (`venue`, `user`, `words`, `json`, `database`:
a hash of the database URL, never the URL, which may hold a password) answered by
`{"status", "stdout", "stderr"}` (`app.command_socket`).
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from typing import TYPE_CHECKING

from app.terminal_session import Answer

if TYPE_CHECKING:
    import argparse

    from app.config import Settings

SOCKET_NAME = "barback.sock"
PATH = "/commands"
CONNECT_TIMEOUT_SECONDS = 2.0
# A command is one short transaction; a minute covers a month's report on a busy database.
ANSWER_TIMEOUT_SECONDS = 60.0
MAX_ANSWER_BYTES = 16 * 1024 * 1024
NOT_THIS_DATABASE = 409


def socket_path(data_dir: os.PathLike[str] | str) -> str:
    return os.path.join(os.fspath(data_dir), SOCKET_NAME)


def database_identity(url: str) -> str:
    """A hash naming the database a URL reaches: a relative SQLite path is made absolute (the
    terminal and the service may run in different directories)."""
    scheme, _, rest = url.partition("://")
    if scheme.startswith("sqlite"):
        path, sep, query = rest.removeprefix("/").partition("?")
        if path and path != ":memory:":
            path = os.path.abspath(path)
        rest = "/" + path + sep + query
    return hashlib.sha256(f"{scheme}://{rest}".encode()).hexdigest()


def ask_service(settings: Settings, args: argparse.Namespace) -> Answer | None:
    """The service's answer to these words, or None when the service cannot take them (then
    nothing ran, and the caller runs the command itself)."""
    path = socket_path(settings.data_dir)
    if not hasattr(socket, "AF_UNIX") or not os.path.exists(path):
        return None
    payload = {
        "venue": args.venue or settings.venue,
        "user": args.user,
        "words": args.words,
        "json": args.json,
        "database": database_identity(settings.database_url),
    }
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.settimeout(CONNECT_TIMEOUT_SECONDS)
        try:
            connection.connect(path)
        except OSError:
            return None  # nothing listens there: a service that stopped, or never ran
        connection.settimeout(ANSWER_TIMEOUT_SECONDS)
        try:
            status, body = exchange(connection, json.dumps(payload).encode())
        except (OSError, ValueError) as error:
            reason = "it timed out" if isinstance(error, TimeoutError) else "the connection broke"
            return Answer(
                1,
                stderr=f"barback: failed: the service stopped answering ({reason}); the command "
                "may have run: check before repeating it\n",
            )
    finally:
        connection.close()
    return answer_from(status, body)


def answer_from(status: int, body: bytes) -> Answer | None:
    if status == NOT_THIS_DATABASE:
        return None
    try:
        answer = json.loads(body)
    except ValueError:
        answer = None
    if status == 200 and isinstance(answer, dict):
        return Answer(
            int(answer.get("status", 1)),
            str(answer.get("stdout", "")),
            str(answer.get("stderr", "")),
        )
    request_id = answer.get("request_id") if isinstance(answer, dict) else None
    where = f"; its log has the details under request id {request_id}" if request_id else ""
    return Answer(1, stderr=f"barback: failed: the service answered HTTP {status}{where}\n")


def exchange(connection: socket.socket, body: bytes) -> tuple[int, bytes]:
    """One HTTP/1.1 request and its response on a fresh connection, closed after it."""
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: barback\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    connection.sendall(head.encode("ascii") + body)
    received = bytearray()
    while chunk := connection.recv(65536):
        received += chunk
        if len(received) > MAX_ANSWER_BYTES:
            raise ValueError("the answer is too large")
    header, separator, content = bytes(received).partition(b"\r\n\r\n")
    if not separator:
        raise ValueError("the answer was cut short")
    status_line = header.split(b"\r\n", 1)[0].split()
    if len(status_line) < 2 or not status_line[1].isdigit():
        raise ValueError("the answer is not HTTP")
    return int(status_line[1]), content
