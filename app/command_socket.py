"""`barback serve`'s local socket: the terminal's one-shot commands, answered by the service.

`barback --venue demo stock` beside a running service sends its words here
(`app.service_client`) instead of loading the grammar and SQLAlchemy itself. The socket is
`$BARBACK_DATA_DIR/barback.sock`, owner-only (0600; the directory 0700, like the secret key
beside it), and on Linux a connection from another user is refused by its peer credentials as
well: whoever may use it may read the database and the key anyway, which is the terminal's
trust (commands.md, Permissions). It serves only `POST /commands`, on an aiohttp app of its
own, never on the public port.

Bounds (refused with 400 and the reason): a body of at most 64 KiB; `venue` and `user` of 1 to
64 characters; `words` 1 to 200 strings, at most 4,000 characters joined; `json` a boolean;
`database` the hash of the database URL, answered 409 when it is not the service's (the
terminal then runs the command itself).
"""

from __future__ import annotations

import logging
import os
import socket
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from app.config import Settings
from app.keys import database_key
from app.middlewares import AccessLogger, error_middleware, request_id_middleware
from app.service_client import NOT_THIS_DATABASE, PATH, database_identity, socket_path

MAX_BODY_BYTES = 64 * 1024
MAX_NAME = 64
MAX_WORDS = 200
MAX_TEXT = 4000
# AF_UNIX paths are limited to 108 bytes on Linux (104 on macOS).
MAX_SOCKET_PATH = 100

logger = logging.getLogger(__name__)


class Refused(Exception):
    """The request is outside its bounds: 400 with this reason."""


@dataclass(frozen=True, slots=True)
class CommandSocket:
    runner: web.AppRunner
    path: Path
    inode: int

    async def close(self) -> None:
        """Stop listening (commands in flight finish), then remove the socket if still ours."""
        await self.runner.cleanup()
        try:
            if self.path.stat().st_ino == self.inode:
                self.path.unlink()
        except FileNotFoundError:
            pass


async def open_command_socket(main: web.Application, settings: Settings) -> CommandSocket | None:
    """Listen on the data directory's socket, answering with `main`'s database (open by now);
    None, logged, when it cannot (a path too long, a directory not writable, another service
    already answering there)."""
    path = Path(socket_path(settings.data_dir))
    if not hasattr(socket, "AF_UNIX") or len(os.fsencode(path)) > MAX_SOCKET_PATH:
        logger.info("no local command socket (%s is too long a path, or no Unix sockets)", path)
        return None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.exists():
            if _answers(path):
                logger.info("another barback serve answers terminal commands on %s", path)
                return None
            path.unlink()  # left by a service that did not stop cleanly
    except OSError as error:
        logger.warning("no local command socket at %s: %s", path, error.strerror or error)
        return None
    runner = web.AppRunner(
        command_app(main, settings), access_log_class=AccessLogger, shutdown_timeout=30.0
    )
    await runner.setup()
    try:
        await web.UnixSite(runner, str(path)).start()
        path.chmod(0o600)
    except OSError as error:
        await runner.cleanup()
        logger.warning("no local command socket at %s: %s", path, error.strerror or error)
        return None
    logger.info("terminal commands answered on %s", path)
    return CommandSocket(runner, path, path.stat().st_ino)


def _answers(path: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    probe.settimeout(1.0)
    try:
        probe.connect(str(path))
    except OSError:
        return False
    finally:
        probe.close()
    return True


def command_app(main: web.Application, settings: Settings) -> web.Application:
    app = web.Application(
        client_max_size=MAX_BODY_BYTES, middlewares=[request_id_middleware, error_middleware]
    )
    app.router.add_post(PATH, command_view(lambda: main[database_key], settings))
    return app


def command_view(
    database: Callable[[], Any], settings: Settings
) -> Callable[[web.Request], Awaitable[web.Response]]:
    identity = database_identity(settings.database_url)

    async def run_command(request: web.Request) -> web.Response:
        from app.terminal_session import answer_of
        from app.venue_session import session_for
        from bot.commands.session import run
        from engine.errors import EngineError

        if not _same_user(request):
            return web.json_response({"error": "not the service's user"}, status=403)
        try:
            venue, user, text, json_out, given = _read(await request.read())
        except Refused as refused:
            return web.json_response({"error": str(refused)}, status=400)
        if given != identity:
            return web.json_response({"error": "another database"}, status=NOT_THIS_DATABASE)
        try:
            ctx = await session_for(database(), settings, venue, user)
        except EngineError as refused:
            return web.json_response({"status": 2, "stdout": "", "stderr": f"barback: {refused}\n"})
        answer = answer_of(await run(text, ctx), json_out=json_out, chart_note=True)
        return web.json_response(
            {"status": answer.status, "stdout": answer.stdout, "stderr": answer.stderr}
        )

    return run_command


def _read(body: bytes) -> tuple[str, str, str, bool, str]:
    import json

    try:
        payload = json.loads(body)
    except ValueError:
        raise Refused("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise Refused("the body is not a JSON object")
    venue, user, words = payload.get("venue"), payload.get("user"), payload.get("words")
    for name, value in (("venue", venue), ("user", user)):
        if not isinstance(value, str) or not 1 <= len(value) <= MAX_NAME:
            raise Refused(f"{name} must be a string of 1 to {MAX_NAME} characters")
    if (
        not isinstance(words, list)
        or not 1 <= len(words) <= MAX_WORDS
        or not all(isinstance(word, str) for word in words)
    ):
        raise Refused(f"words must be a list of 1 to {MAX_WORDS} strings")
    text = " ".join(words)
    if len(text) > MAX_TEXT:
        raise Refused(f"the command is longer than {MAX_TEXT} characters")
    json_out, database = payload.get("json"), payload.get("database")
    if not isinstance(json_out, bool) or not isinstance(database, str):
        raise Refused("json must be a boolean and database a string")
    return str(venue), str(user), text, json_out, database


def _same_user(request: web.Request) -> bool:
    """On Linux, the peer's uid must be ours (or root's); elsewhere the file's mode decides."""
    peer = request.transport.get_extra_info("socket") if request.transport else None
    option = getattr(socket, "SO_PEERCRED", None)
    if peer is None or option is None:
        return True
    size = struct.calcsize("3i")
    _pid, uid, _gid = struct.unpack("3i", peer.getsockopt(socket.SOL_SOCKET, option, size))
    return uid in (os.getuid(), 0)
