"""Where an import's file comes from: the front-end's `FileSource`.

The terminal is trusted (commands.md, Permissions) and reads a path on the server; Slack reads
the newest file of that name shared in the channel the command was typed in. Either way a file
is at most `MAX_FILE_BYTES`, and a missing or oversized file is an `InvalidInput` that names it.
"""

from __future__ import annotations

from typing import Protocol

MAX_FILE_BYTES = 2 * 1024 * 1024
"""2 MiB: a sheet of every bottle of a large back bar, or a 20,000-entry menu, fits many times."""


class FileSource(Protocol):
    async def read(self, name: str) -> bytes:
        """The file's bytes; raises `InvalidInput` (not there, too big, unreadable)."""
        ...


NO_FILES = "files cannot be read here"
