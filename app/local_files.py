"""The terminal's `FileSource`: `... import <file>` reads a path on this machine.

The terminal is trusted (whoever holds the server's shell); a relative path is from the current
directory. A file is at most `MAX_FILE_BYTES`; a missing, unreadable or oversized one is an
`InvalidInput` that names it and changes nothing.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.commands.bulk.files import MAX_FILE_BYTES
from engine.errors import InvalidInput


class LocalFiles:
    def __init__(self, root: Path | None = None) -> None:
        self._root = root

    async def read(self, name: str) -> bytes:
        path = Path(name).expanduser()
        if not path.is_absolute():
            path = (self._root or Path.cwd()) / path
        if not path.is_file():
            raise InvalidInput(f"there is no file {name} ({path})")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidInput(f"{name} has {size:,} bytes; an import takes {MAX_FILE_BYTES:,}")
        try:
            return await asyncio.to_thread(path.read_bytes)
        except OSError as error:
            raise InvalidInput(f"{name} cannot be read ({error.strerror})") from None
