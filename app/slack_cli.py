"""`barback slack manifest`: the Slack app's manifest with this service's address in it.

The address is PUBLIC_URL (`Settings.public_url`), as the service itself uses it. The manifest
goes to stdout, alone, to paste or pipe; a PUBLIC_URL Slack cannot call (not HTTPS, or this
machine's own) is still filled in, with a warning on stderr saying what to set.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from app.subcommands import Subparsers, add_command

if TYPE_CHECKING:
    from app.config import Settings

__all__ = ["add_slack_commands"]


def add_slack_commands(commands: Subparsers[argparse.ArgumentParser]) -> None:
    slack = add_command(
        commands,
        "slack",
        None,
        summary="the Slack app's manifest",
        description='Set up the Slack app (see the README\'s "Connect Slack").',
        examples=["PUBLIC_URL=https://barback.example.com barback slack manifest"],
    )
    actions = slack.add_subparsers(title="actions", metavar="ACTION", required=True)
    add_command(
        actions,
        "manifest",
        run_manifest,
        summary="print the Slack app manifest with PUBLIC_URL filled in",
        description=(
            "Print the Slack app's manifest (YAML) with PUBLIC_URL filled in, to paste at "
            "https://api.slack.com/apps -> Create New App -> From a manifest."
        ),
        examples=[
            "PUBLIC_URL=https://barback.example.com barback slack manifest",
            "barback slack manifest > manifest.yml",
        ],
    )


def run_manifest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slack.manifest import https_problem, manifest_text

    problem = https_problem(settings.public_url)
    if problem is not None:
        print(f"barback: warning: {problem}", file=sys.stderr)
    sys.stdout.write(manifest_text(settings.public_url))
    return 0
