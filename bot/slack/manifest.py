"""The Slack app's manifest (`bot/slack/manifest.yml`, shipped in the package) with this
service's address in it: what `barback slack manifest` prints, to paste at api.slack.com.

The file says `PUBLIC_URL` wherever the service's address goes; it is filled in as text, so the
comments stay. Slack only calls HTTPS addresses: `https_problem` says when PUBLIC_URL is not one.
Only the standard library here: the command runs without loading Slack's libraries.
"""

from __future__ import annotations

from importlib.resources import files
from urllib.parse import urlsplit

__all__ = ["PLACEHOLDER", "https_problem", "manifest_template", "manifest_text"]

PLACEHOLDER = "PUBLIC_URL"


def manifest_template() -> str:
    return files("bot.slack").joinpath("manifest.yml").read_text(encoding="utf-8")


def manifest_text(public_url: str) -> str:
    """The manifest with every `PUBLIC_URL` replaced by `public_url` (no trailing slash)."""
    return manifest_template().replace(PLACEHOLDER, public_url.rstrip("/"))


def https_problem(public_url: str) -> str | None:
    """Why Slack would refuse `public_url`'s request URLs, or None."""
    parts = urlsplit(public_url)
    if parts.scheme != "https" or not parts.hostname:
        return (
            f"PUBLIC_URL is {public_url}: Slack calls only HTTPS addresses it can reach; set "
            "PUBLIC_URL to the service's public https:// address (a tunnel works on a laptop)"
        )
    if parts.hostname in ("localhost", "127.0.0.1", "::1"):
        return f"PUBLIC_URL is {public_url}: Slack cannot reach this machine's own address"
    return None
