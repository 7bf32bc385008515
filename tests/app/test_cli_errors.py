"""Errors a person can act on: `barback` run as a process in the wrong folder, on an unmigrated
or unreachable database, on a port in use, or into `| head`. Each answers with a sentence saying
what to do, never a Python class name or traceback, and creates nothing."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.migrate import known_revisions, upgrade
from tests.app.test_serve import barback_command, free_port

CLASS_NAME = re.compile(r"\b[A-Z][A-Za-z]*(Error|Exception)\b|Traceback|Errno 98")


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("SLACK_", "SQUARE_", "TOAST_", "CLOVER_", "SHOPIFY_", "BARBACK_", "DATABASE_URL")
        )
    }
    return env | {"LOG_LEVEL": "INFO", **extra}


def barback(cwd: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*barback_command(), *argv],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_run_outside_the_project_folder_says_what_to_do_and_creates_nothing(
    tmp_path: Path,
) -> None:
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    for argv in (
        ["venue", "list"],
        ["--venue", "downtown", "stock"],
        ["events"],
        ["serve"],
        ["worker", "--once"],
    ):
        done = barback(elsewhere, *argv)
        assert done.returncode == 2, (argv, done.stderr)
        assert done.stderr == (
            f"barback: there is no database at {elsewhere / 'barback.db'} (run `barback db "
            "upgrade` to create it, or set DATABASE_URL to the one meant)\n"
        ), argv
        assert list(elsewhere.iterdir()) == [], argv  # no database file, no key, no folder


def test_an_unmigrated_database_says_to_upgrade(database_url: str, tmp_path: Path) -> None:
    done = barback(tmp_path, "venue", "list", DATABASE_URL=database_url)
    assert done.returncode == 2
    if make_url(database_url).get_backend_name() == "sqlite":
        assert "there is no database at" in done.stderr
        assert not Path(str(make_url(database_url).database)).exists()
    else:
        assert "has no barback tables yet (run `barback db upgrade` to create them)" in done.stderr
    assert not CLASS_NAME.search(done.stderr)


async def test_a_database_behind_this_barback_says_to_upgrade(
    database_url: str, tmp_path: Path
) -> None:
    await upgrade(database_url, revision="0004")
    done = barback(tmp_path, "events", DATABASE_URL=database_url)
    assert done.returncode == 2
    head = known_revisions()[1]
    assert f"is at schema revision 0004, this barback needs {head}" in done.stderr
    assert done.stderr.endswith("(run `barback db upgrade` to migrate it)\n")


def test_an_unreachable_database_is_a_sentence(tmp_path: Path) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/barback"
    done = barback(tmp_path, "venue", "list", DATABASE_URL=url)
    assert done.returncode == 1
    assert done.stderr.startswith("barback: failed: the database does not answer (")
    assert "is it running, and is DATABASE_URL right?" in done.stderr
    assert not CLASS_NAME.search(done.stderr), done.stderr


async def test_a_port_in_use_is_a_sentence(database_url: str, tmp_path: Path) -> None:
    await upgrade(database_url)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = barback(
            tmp_path,
            "serve",
            DATABASE_URL=database_url,
            HOST="127.0.0.1",
            PORT=str(port),
            BARBACK_DATA_DIR=str(tmp_path / "data"),
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == (
        f"barback: port {port} on 127.0.0.1 is in use by another program "
        "(stop that program, or set PORT to a free port)"
    )
    assert not CLASS_NAME.search(done.stderr), done.stderr


async def test_output_into_a_reader_that_left_is_no_traceback(
    database_url: str, tmp_path: Path
) -> None:
    await upgrade(database_url)
    env = clean_env(DATABASE_URL=database_url)
    add = ["venue", "add", "downtown", "--name", "Downtown"]
    add += ["--timezone", "America/New_York", "--currency", "USD"]
    assert barback(tmp_path, *add, DATABASE_URL=database_url).returncode == 0
    # `barback venue list | head -0`: the reader is gone before a line is written.
    process = subprocess.Popen(
        [*barback_command(), "venue", "list"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=120) == 141
    assert stderr == ""
