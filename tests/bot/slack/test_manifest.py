"""slack/manifest.yml asks for what the code uses: the scopes of an OAuth install, one URL."""

from __future__ import annotations

import re
from pathlib import Path

from bot.slack.bolt_request import SLACK_EVENTS_PATH
from bot.slack.installations import REDIRECT_PATH, SCOPES

MANIFEST = Path(__file__).parents[3] / "slack" / "manifest.yml"


def test_the_manifest_scopes_are_the_install_scopes() -> None:
    text = MANIFEST.read_text()
    bot = text.split("    bot:\n", 1)[1].split("settings:", 1)[0]
    assert tuple(re.findall(r"^\s+- ([a-z.:]+)$", bot, re.M)) == SCOPES


def test_every_url_is_the_events_url_or_the_oauth_redirect() -> None:
    urls = set(re.findall(r"PUBLIC_URL(\S*)", MANIFEST.read_text()))
    assert urls == {"", SLACK_EVENTS_PATH, REDIRECT_PATH}
    assert "app_home_opened" in MANIFEST.read_text()
