"""`barback --venue X <words>` in-process: words and flags, exit statuses, refusals on stderr."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.fernet import Fernet

from app.terminal_session import grammar_words
from engine.connect_links import verify_connect_token
from tests.app.test_cli import ADD_DOWNTOWN, Barback


@pytest.fixture
def downtown(database_url: str, capsys: pytest.CaptureFixture[str]) -> Barback:
    run = Barback(
        {
            "DATABASE_URL": database_url,
            "LOG_LEVEL": "WARNING",
            "USER": "sam",
            "PUBLIC_URL": "https://bar.example",
        },
        capsys,
    )
    assert run("db", "upgrade")[0] == 0
    assert run(*ADD_DOWNTOWN)[0] == 0
    return run


@pytest.mark.parametrize(
    ("argv", "venue", "words", "json_out", "chart"),
    [
        (["--venue", "x", "stock", "tito"], "x", ["stock", "tito"], False, None),
        (
            ["--venue=x", "stock", "Tito's Vodka", "--json"],
            "x",
            ["stock", '"Tito\'s Vodka"'],
            True,
            None,
        ),
        (
            ["sales", "--json", "yesterday", "--chart", "s.png"],
            None,
            ["sales", "yesterday"],
            True,
            "s.png",
        ),
        (["sales", "--chart=s.png"], None, ["sales"], False, "s.png"),
    ],
)
def test_words_and_flags_anywhere_after_them(
    argv: list[str], venue: str | None, words: list[str], json_out: bool, chart: str | None
) -> None:
    args = grammar_words(argv)
    assert args is not None
    assert (args.venue, args.words, args.json, args.chart, args.problem) == (
        venue,
        words,
        json_out,
        chart,
        None,
    )


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--venue", "x"],
        ["--help"],
        ["--venue", "x", "--help"],
        ["venue", "list"],
        ["shell"],
        ["--venue", "x", "import", "f.json"],
        ["db", "upgrade"],
        ["serve"],
    ],
)
def test_argparse_keeps_its_own_lines(argv: list[str]) -> None:
    assert grammar_words(argv) is None


def test_a_venue_is_needed(downtown: Barback) -> None:
    status, out, err = downtown("stock")
    assert (status, out) == (2, "")
    assert err.startswith("usage: barback")
    assert err.endswith("barback: which venue? give --venue <slug> or set BARBACK_VENUE\n")


def test_the_venue_may_come_from_the_environment(downtown: Barback) -> None:
    downtown.env["BARBACK_VENUE"] = "downtown"
    status, out, _ = downtown("help", "stock")
    assert status == 0
    assert out.startswith("stock [<product>]\n")


def test_an_unknown_venue_is_refused(downtown: Barback) -> None:
    status, out, err = downtown("--venue", "nowhere", "stock")
    assert (status, out) == (2, "")
    assert err.startswith("barback: there is no venue 'nowhere'")


def test_bad_words_are_refused_with_the_closest_form(downtown: Barback) -> None:
    status, out, err = downtown("--venue", "downtown", "stok", "tito")
    assert (status, out) == (2, "")
    assert err == "barback: unknown command 'stok'\n  did you mean: stock [<product>]\n"


def test_a_refusal_in_json(downtown: Barback) -> None:
    status, out, err = downtown("--venue", "downtown", "product", "add", "--json")
    assert status == 2
    assert json.loads(out) == {
        "error": "invalid_input",
        "message": "missing product name",
        "hint": 'usage: product add "<name>" <container> <cost> [par <n>] [reorder <n>] '
        '[category <c>] [vendor <v>], e.g. product add "Tito\'s Vodka" 750ml $22.50 par 6 '
        "reorder 2 "
        "category vodka",
    }
    assert err.startswith("barback: missing product name\n")


def test_help_lists_the_grammar(downtown: Barback) -> None:
    status, out, err = downtown("--venue", "downtown", "help")
    assert (status, err) == (0, "")
    assert out.startswith("Reading (anyone in the workspace):\n")
    assert "  stock [<product>]" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stock", "--chart", "s.png"], "barback: stock draws no chart: --chart goes with sales\n"),
        (["sales", "--chart"], "barback: --chart needs a file name, e.g. --chart sales.png\n"),
        (
            ["sales", "--chart", "s.jpg"],
            "barback: --chart writes .png, .svg, .pdf files; 's.jpg' names none of them\n",
        ),
        (
            ["sales", "--chart", "sales"],
            "barback: --chart writes .png, .svg, .pdf files; 'sales' names none of them\n",
        ),
    ],
)
def test_chart_flag_problems(downtown: Barback, argv: list[str], message: str) -> None:
    status, out, err = downtown("--venue", "downtown", *argv)
    assert (status, out, err) == (2, "", message)


@pytest.mark.parametrize(
    ("name", "magic"), [("s.png", b"\x89PNG"), ("s.SVG", b"<?xml"), ("s.pdf", b"%PDF")]
)
def test_the_chart_is_written_in_the_format_its_name_says(
    downtown: Barback, tmp_path: Path, name: str, magic: bytes
) -> None:
    path = tmp_path / name
    status, _, err = downtown("--venue", "downtown", "sales", "--chart", str(path))
    assert status == 0
    assert path.read_bytes().startswith(magic)
    assert err == f"chart written to {path}\n"


def test_use_works_in_slack_only(downtown: Barback) -> None:
    status, out, err = downtown("--venue", "downtown", "use", "uptown")
    assert (status, out) == (2, "")
    assert err.startswith("barback: use works in Slack only\n")


@pytest.mark.parametrize("words", [["managers", "add", "U0123ABC"], ["summary", "post"]])
def test_slack_commands_without_slack_say_what_they_need(
    downtown: Barback, words: list[str]
) -> None:
    status, out, err = downtown("--venue", "downtown", *words)
    assert (status, out) == (2, "")
    assert err.startswith(f"barback: {' '.join(words[:2])} needs Slack, which is off here\n")
    assert "SLACK_BOT_TOKEN" in err


SQUARE_ENV = {
    "SQUARE_APPLICATION_ID": "sq0idp-app",
    "SQUARE_APPLICATION_SECRET": "sq0csp-secret",
    "SQUARE_WEBHOOK_SIGNATURE_KEY": "sq-signature-key",
    "SQUARE_WEBHOOK_URL": "https://bar.example/webhooks/square",
}


def test_connect_gives_a_signed_link(downtown: Barback) -> None:
    key = Fernet.generate_key().decode()
    downtown.env["BARBACK_SECRET_KEY"] = key
    downtown.env.update(SQUARE_ENV)
    status, out, _ = downtown("--venue", "downtown", "connect", "square", "--json")
    assert status == 0
    answer = json.loads(out)
    assert (answer["venue"], answer["provider"]) == ("downtown", "square")
    url = urlsplit(answer["url"])
    assert (url.scheme, url.netloc, url.path) == ("https", "bar.example", "/connect/square")
    token = parse_qs(url.query)["token"][0]
    verify_connect_token(key, "square", "downtown", token, datetime.now(UTC))


def test_connect_shopify_gives_a_signed_link_once_configured(downtown: Barback) -> None:
    key = Fernet.generate_key().decode()
    downtown.env["BARBACK_SECRET_KEY"] = key
    status, _, err = downtown("--venue", "downtown", "connect", "shopify")
    assert status == 2
    assert "it needs SHOPIFY_CLIENT_ID, SHOPIFY_CLIENT_SECRET" in err
    downtown.env |= {"SHOPIFY_CLIENT_ID": "shop-app", "SHOPIFY_CLIENT_SECRET": "shop-secret"}
    status, out, _ = downtown("--venue", "downtown", "connect", "shopify", "--json")
    assert status == 0
    url = urlsplit(json.loads(out)["url"])
    assert url.path == "/connect/shopify"
    token = parse_qs(url.query)["token"][0]
    verify_connect_token(key, "shopify", "downtown", token, datetime.now(UTC))


def test_connect_without_a_key_says_how_to_get_one(downtown: Barback, tmp_path: Path) -> None:
    downtown.env["BARBACK_DATA_DIR"] = str(tmp_path / "data")
    downtown.env.update(SQUARE_ENV)
    status, _, err = downtown("--venue", "downtown", "connect", "square")
    assert status == 2
    assert "secret key" in err
    assert not (tmp_path / "data").exists()  # the terminal never makes a key of its own


def test_connect_offers_what_is_configured_and_names_what_is_missing(
    downtown: Barback,
) -> None:
    downtown.env["BARBACK_SECRET_KEY"] = Fernet.generate_key().decode()
    downtown.env.update(SQUARE_ENV)
    downtown.env |= {"TOAST_CLIENT_ID": "toast-client", "TOAST_CLIENT_SECRET": "toast-secret"}
    status, out, _ = downtown("--venue", "downtown", "connect", "--json")
    assert status == 0
    answer = json.loads(out)
    assert answer["ready"] == ["square"]
    assert answer["not_configured"] == {
        "toast": ["TOAST_WEBHOOK_SECRET"],
        "shopify": ["SHOPIFY_CLIENT_ID", "SHOPIFY_CLIENT_SECRET"],
        "clover": ["CLOVER_APP_ID", "CLOVER_APP_SECRET"],
    }
    del downtown.env["TOAST_CLIENT_ID"], downtown.env["TOAST_CLIENT_SECRET"]
    status, _, err = downtown("--venue", "downtown", "connect", "toast", "0cd990c9-fd74-461d-8468")
    assert status == 2
    assert err.startswith(
        "barback: Toast is not set up on this barback: it needs TOAST_CLIENT_ID, "
        "TOAST_CLIENT_SECRET, TOAST_WEBHOOK_SECRET\n"
    )
    status, _, err = downtown("--venue", "downtown", "connect", "square", "MLX123")
    assert status == 2
    assert "connect square takes no 'MLX123'" in err
    del downtown.env["SQUARE_WEBHOOK_URL"], downtown.env["SQUARE_WEBHOOK_SIGNATURE_KEY"]
    status, _, err = downtown("--venue", "downtown", "connect", "square")
    assert status == 2
    assert "it needs SQUARE_WEBHOOK_SIGNATURE_KEY, SQUARE_WEBHOOK_URL\n" in err


def test_connect_clover_once_its_app_is_set(downtown: Barback) -> None:
    key = Fernet.generate_key().decode()
    downtown.env["BARBACK_SECRET_KEY"] = key
    downtown.env["PUBLIC_URL"] = "https://bar.example"
    status, _, err = downtown("--venue", "downtown", "connect", "clover")
    assert status == 2
    assert "Clover is not set up on this barback: it needs CLOVER_APP_ID, CLOVER_APP_SECRET" in err
    downtown.env |= {"CLOVER_APP_ID": "DRKVJT2ZRRRSC", "CLOVER_APP_SECRET": "app-secret"}
    status, out, _ = downtown("--venue", "downtown", "connect", "--json")
    assert status == 0 and "clover" in json.loads(out)["ready"]
    status, out, _ = downtown("--venue", "downtown", "connect", "clover", "--json")
    assert status == 0
    url = urlsplit(json.loads(out)["url"])
    assert (url.netloc, url.path) == ("bar.example", "/connect/clover")
    token = parse_qs(url.query)["token"][0]
    verify_connect_token(key, "clover", "downtown", token, datetime.now(UTC))


def test_a_channel_name_needs_slack(downtown: Barback) -> None:
    status, _, err = downtown("--venue", "downtown", "alerts", "#bar-alerts")
    assert status == 2
    assert err.startswith("barback: #bar-alerts is a channel name: the terminal cannot look it up")
