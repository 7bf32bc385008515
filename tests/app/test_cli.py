"""`barback` run in-process: exit statuses, messages, and nothing written on refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main


class Barback:
    """`main` with a fixed environment, returning (status, stdout, stderr)."""

    def __init__(self, env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
        self.env = env
        self.capsys = capsys

    def __call__(self, *argv: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        status = main(list(argv), env=self.env)
        out, err = self.capsys.readouterr()
        return status, out, err


@pytest.fixture
def barback(database_url: str, capsys: pytest.CaptureFixture[str]) -> Barback:
    """The CLI on an upgraded database (SQLite file, then PostgreSQL schema)."""
    run = Barback({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}, capsys)
    assert run("db", "upgrade")[0] == 0
    return run


ADD_DOWNTOWN = (
    "venue",
    "add",
    "downtown",
    "--name",
    "Downtown",
    "--timezone",
    "America/New_York",
    "--currency",
    "USD",
)


def test_add_list_and_secret(barback: Barback) -> None:
    status, out, err = barback(*ADD_DOWNTOWN)
    assert (status, out) == (0, "")
    assert "added venue downtown" in err
    soho = ["soho", "--name", "Soho Cellar", "--timezone", "Europe/London", "--currency", "gbp"]
    assert barback("venue", "add", *soho)[0] == 0
    mitte = ["mitte", "--name", "Mitte", "--timezone", "Europe/Berlin", "--currency", "EUR"]
    assert barback("venue", "add", *mitte, "--units", "imperial")[0] == 0

    status, out, _ = barback("venue", "list")
    assert status == 0
    assert out.splitlines() == [
        "SLUG      NAME         TIMEZONE          CURRENCY  UNITS",
        "downtown  Downtown     America/New_York  USD       us",
        "mitte     Mitte        Europe/Berlin     EUR       imperial",
        "soho      Soho Cellar  Europe/London     GBP       imperial",
    ]

    status, out, err = barback("venue", "secret", "downtown")
    assert status == 0
    assert out.count("\n") == 1
    assert out.startswith("whsec_") and len(out.strip()) > 40
    assert err == ""


def test_venue_list_as_json(barback: Barback) -> None:
    assert barback("venue", "list", "--json") == (0, '{"venues": []}\n', "")
    assert barback(*ADD_DOWNTOWN)[0] == 0
    status, out, _ = barback("venue", "list", "--json")
    assert status == 0
    assert json.loads(out) == {
        "venues": [
            {
                "slug": "downtown",
                "name": "Downtown",
                "timezone": "America/New_York",
                "currency": "USD",
                "units": "us",
            }
        ]
    }


def test_version_is_the_installed_one(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"barback {version('barback')}\n"


def test_units_default_to_metric_outside_the_us_and_uk(barback: Barback) -> None:
    mitte = ["mitte", "--name", "Mitte", "--timezone", "Europe/Berlin", "--currency", "EUR"]
    assert barback("venue", "add", *mitte)[0] == 0
    assert barback("venue", "list")[1].splitlines()[1].endswith("EUR       metric")


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--timezone", "Mars/Base", "barback: time zone 'Mars/Base' is not known (use an IANA"),
        ("--currency", "DOGE", "barback: currency 'DOGE' is not an ISO 4217 code (e.g. USD"),
        ("--name", " ", "barback: venue name is empty"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    barback: Barback, flag: str, value: str, message: str
) -> None:
    argv = list(ADD_DOWNTOWN)
    argv[argv.index(flag) + 1] = value
    status, out, err = barback(*argv)
    assert (status, out) == (2, "")
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert barback("venue", "list")[:2] == (0, "")


def test_a_bad_slug_is_refused(barback: Barback) -> None:
    argv = list(ADD_DOWNTOWN)
    argv[2] = "Down Town"
    status, _, err = barback(*argv)
    assert status == 2
    assert err.startswith("barback: venue slug 'Down Town' is not valid")


def test_a_duplicate_slug_is_refused(barback: Barback) -> None:
    assert barback(*ADD_DOWNTOWN)[0] == 0
    status, _, err = barback(*ADD_DOWNTOWN)
    assert status == 2
    assert err == (
        "barback: a venue with the slug 'downtown' already exists "
        "(choose another slug, or see `barback venue list`)\n"
    )


def test_an_unknown_venue_is_refused(barback: Barback) -> None:
    status, out, err = barback("venue", "secret", "nowhere")
    assert (status, out) == (2, "")
    assert err.startswith("barback: there is no venue 'nowhere'")


def test_bad_configuration_is_refused_without_echoing_secrets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    env = {"PORT": "0", "SLACK_BOT_TOKEN": "xoxb-secret-token-value"}
    status, out, err = Barback(env, capsys)("venue", "list")
    assert (status, out) == (2, "")
    assert "PORT: a port number from 1 to 65535 (got '0')" in err
    assert "SLACK_SIGNING_SECRET:" in err
    assert "xoxb-secret-token-value" not in err


def test_a_missing_database_is_refused_and_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "empty.db"
    env = {"DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
    status, out, err = Barback(env, capsys)("venue", "list")
    assert (status, out) == (2, "")
    assert err == (
        f"barback: there is no database at {path} (run `barback db upgrade` to create it, "
        "or set DATABASE_URL to the one meant)\n"
    )
    assert not path.exists()


@pytest.mark.parametrize(
    "argv", [["--help"], ["venue", "--help"], ["venue", "add", "--help"], ["db", "--help"]]
)
def test_help_shows_examples(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = Barback({}, capsys)(*argv)
    assert status == 0
    assert "examples:" in out


def test_help_documents_the_default_units(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = Barback({}, capsys)("venue", "add", "--help")
    assert "us for USD, imperial for GBP, metric otherwise" in " ".join(out.split())


@pytest.mark.parametrize("argv", [[], ["venue"], ["venue", "add", "x"], ["stock", "tito"]])
def test_usage_errors_are_refusals(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = Barback({}, capsys)(*argv)
    assert (status, out) == (2, "")
    assert "usage: barback" in err
