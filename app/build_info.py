"""What build is running: `barback --version`, and the `barback_build_info` metric's labels.

The version is the installed distribution's (pyproject.toml's `version`), read from the package
metadata only when asked: `importlib.metadata` costs more to import than the rest of `--help`.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

DISTRIBUTION = "barback"
UNKNOWN = "unknown"


def version() -> str:
    """The installed version, or "unknown" when running from a tree that was never installed."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:
        return UNKNOWN


def build_labels() -> dict[str, str]:
    """The labels of `barback_build_info` (always 1): which barback on which Python."""
    import platform

    return {
        "version": version(),
        "python_version": platform.python_version(),
        "python_implementation": platform.python_implementation(),
    }


class VersionAction(argparse.Action):
    """`--version`: print "barback X.Y.Z" and exit 0, looking the version up only then."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help=str(kwargs.get("help") or ""))

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        print(f"{DISTRIBUTION} {version()}")
        parser.exit(0)
