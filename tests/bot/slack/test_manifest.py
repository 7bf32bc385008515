"""bot/slack/manifest.yml asks for exactly what the code uses, and `barback slack manifest` prints
it with PUBLIC_URL filled in.

The Web API methods are found in the code itself (every `client.<method>(` or `_client.<method>(`
call in a module of `app/` or `bot/` that uses Slack's libraries), so a new call without its scope
fails here. Each method's bot-token scopes come from
its page in Slack's reference, docs.slack.dev/reference/methods/<method> ("Required scopes", bot
token); `optional` are scopes a method can use but does not need.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from app.cli import main
from bot.slack.bolt_request import SLACK_EVENTS_PATH
from bot.slack.installations import REDIRECT_PATH, SCOPES
from bot.slack.manifest import https_problem, manifest_template, manifest_text

ROOT = Path(__file__).parents[3]

# slack_sdk method -> (the Web API methods it calls, scopes they need, scopes they may use)
METHODS: dict[str, tuple[tuple[str, ...], frozenset[str], frozenset[str]]] = {
    "auth_test": (("auth.test",), frozenset(), frozenset()),
    # chat:write.public: post in a public channel the bot was not invited to (an alert channel).
    "chat_postMessage": (
        ("chat.postMessage",), frozenset({"chat:write"}), frozenset({"chat:write.public"}),
    ),
    "chat_postEphemeral": (("chat.postEphemeral",), frozenset({"chat:write"}), frozenset()),
    "conversations_history": (
        ("conversations.history",), frozenset({"channels:history", "groups:history"}), frozenset(),
    ),
    "conversations_info": (
        ("conversations.info",), frozenset({"channels:read", "groups:read"}), frozenset(),
    ),
    "conversations_list": (
        ("conversations.list",), frozenset({"channels:read", "groups:read"}), frozenset(),
    ),
    "users_info": (("users.info",), frozenset({"users:read"}), frozenset()),
    "views_open": (("views.open",), frozenset(), frozenset()),
    "views_publish": (("views.publish",), frozenset(), frozenset()),
    "views_update": (("views.update",), frozenset(), frozenset()),  # the count sheet's pages
    "files_list": (("files.list",), frozenset({"files:read"}), frozenset()),  # a shared CSV
    "files_upload_v2": (
        ("files.getUploadURLExternal", "files.completeUploadExternal"),
        frozenset({"files:write"}),
        frozenset(),
    ),
}  # fmt: skip
FEATURE_SCOPES = {"slash_commands": "commands"}  # a manifest feature, not a method
CALL = re.compile(r"(?<![A-Za-z0-9])_?client\.([a-z][A-Za-z0-9_]*)\(")
SLACK = re.compile(r"^\s*(?:from|import) (?:slack_sdk|slack_bolt|bot\.slack)\b", re.M)
EVENTS = {"app_home_opened", "app_uninstalled", "tokens_revoked"}  # each has a listener


def called_methods() -> set[str]:
    found: set[str] = set()
    for folder in ("app", "bot"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            if SLACK.search(text):  # a module that talks to Slack (not Toast's `client.login`)
                found |= set(CALL.findall(text))
    return found


def manifest() -> dict[str, object]:
    loaded = yaml.safe_load(manifest_template())
    assert isinstance(loaded, dict)
    return loaded


def test_the_code_calls_only_methods_whose_scopes_are_known() -> None:
    called = called_methods()
    assert {"chat_postMessage", "conversations_history", "files_list"} <= called  # it scans
    assert called <= METHODS.keys(), f"add the scopes of {called - METHODS.keys()} to METHODS"


def test_the_manifest_asks_for_every_scope_the_code_needs_and_no_other() -> None:
    m = manifest()
    scopes = set(m["oauth_config"]["scopes"]["bot"])  # type: ignore[index]
    called = called_methods()
    needed = {s for name in called for s in METHODS[name][1]}
    needed |= {s for feature, s in FEATURE_SCOPES.items() if feature in m["features"]}  # type: ignore[operator]
    usable = needed | {s for name in called for s in METHODS[name][2]}
    assert needed <= scopes, f"missing: {needed - scopes}"
    assert scopes <= usable, f"asked for but not used: {scopes - usable}"
    assert {"channels:history", "groups:history"} <= scopes and "im:write" not in scopes
    assert tuple(m["oauth_config"]["scopes"]["bot"]) == SCOPES  # type: ignore[index]


def test_the_manifest_subscribes_the_events_barback_handles() -> None:
    settings = manifest()["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == EVENTS  # type: ignore[index]
    assert settings["interactivity"]["is_enabled"] is True  # type: ignore[index]


def test_the_messages_tab_is_a_valid_setting() -> None:
    home = manifest()["features"]["app_home"]  # type: ignore[index]
    assert home["home_tab_enabled"] is True
    # Read-only needs the tab shown: the app's direct messages (a late confirmation) land there.
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is True


def test_every_url_is_the_events_url_or_the_oauth_redirect() -> None:
    urls = set(re.findall(r"PUBLIC_URL(\S*)", manifest_template()))
    assert urls == {SLACK_EVENTS_PATH, REDIRECT_PATH}


def test_the_manifest_is_printed_with_the_public_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(["slack", "manifest"], env={"PUBLIC_URL": "https://bar.example.com/"})
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    printed = yaml.safe_load(out)
    events = "https://bar.example.com/slack/events"
    assert printed["settings"]["event_subscriptions"]["request_url"] == events
    assert printed["settings"]["interactivity"]["request_url"] == events
    assert printed["features"]["slash_commands"][0]["url"] == events
    assert printed["oauth_config"]["redirect_urls"] == [
        "https://bar.example.com/slack/oauth_redirect"
    ]
    assert "PUBLIC_URL" not in out and out == manifest_text("https://bar.example.com")


@pytest.mark.parametrize(
    "url", ["http://localhost:8080", "http://bar.example.com", "https://localhost:8443"]
)
def test_an_address_slack_cannot_call_is_filled_in_with_a_warning(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["slack", "manifest"], env={"PUBLIC_URL": url}) == 0
    out, err = capsys.readouterr()
    assert f"request_url: {url}/slack/events" in out
    assert err.startswith(f"barback: warning: PUBLIC_URL is {url}") and err.count("\n") == 1
    assert https_problem("https://bar.example.com") is None
