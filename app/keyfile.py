"""The secret key kept in the data directory when `BARBACK_SECRET_KEY` is unset.

The key encrypts POS tokens at rest, so losing it loses the connections: it is generated once,
never overwritten, and readable by its owner only.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from pathlib import Path

from app.config import Secret, Settings

KEY_FILE = "secret.key"

logger = logging.getLogger(__name__)


def with_secret_key(settings: Settings) -> Settings:
    """The settings with a secret key: the configured one, else the data directory's."""
    if settings.secret_key is not None:
        return settings
    return dataclasses.replace(settings, secret_key=load_or_create_key(settings.data_dir))


def existing_key(settings: Settings) -> Secret | None:
    """The configured key, else the data directory's if `serve` made one; never creates one
    (a terminal command must not leave a key beside a database it only reads)."""
    if settings.secret_key is not None:
        return settings.secret_key
    try:
        return Secret((settings.data_dir / KEY_FILE).read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return None


def load_or_create_key(data_dir: Path) -> Secret:
    path = data_dir / KEY_FILE
    try:
        return Secret(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    from cryptography.fernet import Fernet  # here: a terminal command reading the key needs none

    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = Fernet.generate_key()
    try:
        # O_EXCL: two processes starting at once must not each write a different key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return Secret(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "wb") as file:
        file.write(key + b"\n")
        file.flush()
        os.fsync(file.fileno())
    logger.warning(
        "generated a new secret key in %s; back it up with the database", path.as_posix()
    )
    return Secret(key.decode("ascii"))
