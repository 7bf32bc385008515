"""One-shot commands answered by a running `barback serve` through its local socket.

The service is the real app on a real Unix socket in the test's data directory; the terminal side
is `app.cli.main`, run in a thread because its client blocks (as a terminal does) while the
service answers on this test's event loop.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from cryptography.fernet import Fernet

from app.cli import main
from app.config import Settings
from app.serve import run_app
from app.service_client import ask_service, database_identity, socket_path
from app.terminal_session import grammar_words
from app.web import create_app
from tests.app.test_cli import ADD_DOWNTOWN
from tests.app.test_serve import free_port


class Served:
    """The service's environment, and `run(*argv)` -> (status, stdout, stderr) in a thread."""

    def __init__(self, env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
        self.env = env
        self.capsys = capsys

    async def run(self, *argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
        self.capsys.readouterr()
        status = await asyncio.to_thread(main, list(argv), env=env or self.env)
        out, err = self.capsys.readouterr()
        return status, out, err

    @property
    def socket(self) -> str:
        return socket_path(self.env["BARBACK_DATA_DIR"])


@pytest.fixture
async def served(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> AsyncIterator[Served]:
    env = {
        "DATABASE_URL": database_url,
        "BARBACK_DATA_DIR": str(tmp_path / "data"),
        "BARBACK_SECRET_KEY": Fernet.generate_key().decode(),
        "HOST": "127.0.0.1",
        "PORT": str(free_port()),
        "LOG_LEVEL": "WARNING",
    }
    served = Served(env, capsys)
    assert (await served.run("db", "upgrade"))[0] == 0
    assert (await served.run(*ADD_DOWNTOWN))[0] == 0
    settings = Settings.from_env(env)
    stop = asyncio.Event()
    serving = asyncio.create_task(
        run_app(create_app(settings), settings, until=stop.wait, tune_gc=False)
    )
    for _ in range(200):
        if os.path.exists(served.socket):
            break
        await asyncio.sleep(0.05)
    try:
        assert os.path.exists(served.socket), "the service opened no socket"
        yield served
    finally:
        stop.set()
        await asyncio.wait_for(serving, timeout=30)


def words(*argv: str, user: str = "sam") -> object:
    args = grammar_words(list(argv))
    assert args is not None
    args.user = user
    return args


async def test_the_service_answers_as_the_terminal_would(served: Served) -> None:
    venue = ("--venue", "downtown")
    status, out, err = await served.run(*venue, "product", "add", "Tito's Vodka", "750ml", "22.50")
    assert (status, err) == (0, "")
    assert out.startswith("added product Tito's Vodka: container 25.36 oz (750.0 ml)")
    assert (await served.run(*venue, "count", "tito", "3"))[0] == 0

    settings = Settings.from_env(served.env)
    answered = await asyncio.to_thread(ask_service, settings, words(*venue, "stock"))
    assert answered is not None and answered.status == 0

    # The same command run here (no socket in another data directory) prints the same.
    here = served.env | {"BARBACK_DATA_DIR": served.env["BARBACK_DATA_DIR"] + "-elsewhere"}
    for argv in (("stock",), ("stock", "--json"), ("products",), ("sales", "today")):
        by_service = await served.run(*venue, *argv)
        by_terminal = await served.run(*venue, *argv, env=here)
        assert by_service == by_terminal
        assert by_service[0] == 0
    assert "Tito's Vodka" in answered.stdout


async def test_refusals_keep_their_exit_status(served: Served) -> None:
    status, out, err = await served.run("--venue", "downtown", "stok")
    assert (status, out) == (2, "")
    assert err.startswith("barback: unknown command 'stok'\n")
    status, out, err = await served.run("--venue", "nowhere", "stock")
    assert (status, out) == (2, "")
    assert err == "barback: there is no venue 'nowhere' (see `barback venue list`)\n"
    status, out, err = await served.run("--venue", "downtown", "count", "ghost", "2", "--json")
    assert status == 2
    assert json.loads(out)["error"] == "not_found"
    assert err.startswith("barback: ") and "ghost" in err


async def test_another_database_is_answered_here(served: Served, tmp_path: Path) -> None:
    other = served.env | {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"}
    settings = Settings.from_env(other)
    assert await asyncio.to_thread(ask_service, settings, words("--venue", "x", "stock")) is None
    assert (await served.run("db", "upgrade", env=other))[0] == 0
    status, _, err = await served.run("--venue", "downtown", "stock", env=other)
    assert (status, err) == (
        2,
        "barback: there is no venue 'downtown' (see `barback venue list`)\n",
    )


async def test_a_stale_socket_is_no_service(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(socket_path(data))
    stale.close()  # the file stays, nobody listens
    settings = Settings.from_env(
        {"BARBACK_DATA_DIR": str(data), "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/b.db"}
    )
    assert ask_service(settings, words("--venue", "x", "stock")) is None


@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"not json", "the body is not JSON"),
        (b"[]", "the body is not a JSON object"),
        ({"venue": "", "user": "sam", "words": ["stock"]}, "venue must be a string of 1 to 64"),
        ({"venue": "downtown", "user": "s" * 65, "words": ["stock"]}, "user must be a string"),
        ({"venue": "downtown", "user": "sam", "words": []}, "words must be a list of 1 to 200"),
        ({"venue": "downtown", "user": "sam", "words": ["x"] * 201}, "words must be a list"),
        ({"venue": "downtown", "user": "sam", "words": [1]}, "words must be a list"),
        ({"venue": "downtown", "user": "sam", "words": ["x" * 4001]}, "longer than 4000"),
        ({"venue": "downtown", "user": "sam", "words": ["stock"], "json": 1}, "json must be"),
    ],
)
async def test_requests_out_of_bounds_are_refused(
    served: Served, payload: bytes | dict[str, object], reason: str
) -> None:
    if isinstance(payload, dict):
        payload = json.dumps({"json": False, "database": "x", **payload}).encode()
    connector = aiohttp.UnixConnector(path=served.socket)
    async with (
        aiohttp.ClientSession(connector=connector) as session,
        session.post("http://barback/commands", data=payload) as response,
    ):
        assert response.status == 400
        assert reason in (await response.json())["error"]


@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
async def test_the_socket_is_the_owners_only_and_goes_with_the_service(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"DATABASE_URL": database_url, "BARBACK_DATA_DIR": str(tmp_path / "data")}
    env |= {"PORT": str(free_port()), "HOST": "127.0.0.1"}
    settings = Settings.from_env(env)
    stop = asyncio.Event()
    serving = asyncio.create_task(
        run_app(create_app(settings), settings, until=stop.wait, tune_gc=False)
    )
    path = Path(socket_path(settings.data_dir))
    for _ in range(200):
        if path.exists():
            break
        await asyncio.sleep(0.05)
    assert path.stat().st_mode & 0o777 == 0o600
    stop.set()
    await asyncio.wait_for(serving, timeout=30)
    assert not path.exists()


@pytest.mark.slow
@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
async def test_a_command_the_service_answers_loads_nothing_heavy(served: Served) -> None:
    program = (
        "import sys; from app.cli import main; status = main(sys.argv[1:]);"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'aiohttp', "
        "'asyncio', 'pint', 'matplotlib', 'bot', 'storage', 'engine'});"
        "print('loaded:', heavy, file=sys.stderr); sys.exit(status)"
    )
    env = {**os.environ, **served.env}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", program, "--venue", "downtown", "stock"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "no products yet: add one with product add\n"
    assert done.stderr == "loaded: []\n"


def test_the_database_identity_names_the_file_not_the_spelling(tmp_path: Path) -> None:
    os.chdir(tmp_path)
    relative = database_identity("sqlite+aiosqlite:///./bar.db")
    assert relative == database_identity(f"sqlite+aiosqlite:///{tmp_path / 'bar.db'}")
    assert relative != database_identity("sqlite+aiosqlite:///./other.db")
    pg = "postgresql+asyncpg://bar:secret@db/barback"
    assert "secret" not in database_identity(pg) and len(database_identity(pg)) == 64
