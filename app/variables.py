"""Reading environment variables: the collecting reader, the value parsers, and `Secret`.

The reader never stops at the first bad variable: it records one line per problem,
"NAME: what is expected (got ...)", and never shows the value of a secret.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Literal, TypeVar
from urllib.parse import urlsplit

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LogFormat = Literal["text", "json"]

T = TypeVar("T")


class ConfigError(Exception):
    """The environment is wrong; `problems` holds one line per bad variable."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("configuration is not valid:\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems


class Secret:
    """A value that must not leak into reprs, logs or error messages; `reveal()` to use it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class Invalid(ValueError):
    """Raised by a parser with what was expected; the reader adds the variable's name."""

    def __init__(self, expected: str, got: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got


class Reader:
    """Reads variables through parsers, collecting every problem instead of stopping at one."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def raw(self, name: str) -> str | None:
        value = self.env.get(name, "").strip()
        return value or None

    def get(self, name: str, default: T, parse: Callable[[str], T]) -> T:
        value = self.optional(name, parse)
        return default if value is None else value

    def optional(self, name: str, parse: Callable[[str], T], *, secret: bool = False) -> T | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            return parse(value)
        except Invalid as bad:
            self.fail(name, bad.expected, None if secret else (bad.got or repr(value)))
            return None

    def secret(self, name: str, check: Callable[[str], str] | None = None) -> Secret | None:
        value = self.optional(name, check or parse_text, secret=True)
        return None if value is None else Secret(value)

    def fail(self, name: str, expected: str, got: str | None) -> None:
        shown = "a value that is not shown because it is secret" if got is None else got
        self.problems.append(f"{name}: {expected} (got {shown})")


def parse_text(value: str) -> str:
    return value


def parse_port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise Invalid("a port number from 1 to 65535") from None
    if not 1 <= port <= 65535:
        raise Invalid("a port number from 1 to 65535")
    return port


def parse_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid("an http:// or https:// URL, e.g. https://barback.example.com")
    return value.rstrip("/")


def parse_database_url(value: str) -> str:
    scheme, sep, rest = value.partition("://")
    # Heroku-style hosts hand out postgres:// and postgresql://; barback speaks asyncpg.
    if scheme in ("postgres", "postgresql"):
        scheme = "postgresql+asyncpg"
    if not sep or scheme not in ("sqlite+aiosqlite", "postgresql+asyncpg"):
        # Only the scheme is shown: the rest may carry a password.
        got = f"scheme {scheme!r}" if sep else "a value that is not a URL"
        raise Invalid("a sqlite+aiosqlite:// or postgresql+asyncpg:// URL", got)
    return f"{scheme}://{rest}"


def parse_fernet_key(value: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError):
        raw = b""
    if len(raw) != 32:
        raise Invalid("a Fernet key, 32 bytes in URL-safe base64 as Fernet.generate_key() makes")
    return value


def parse_log_level(value: str) -> str:
    level = value.upper()
    if level not in LOG_LEVELS:
        raise Invalid("one of " + ", ".join(LOG_LEVELS))
    return level


def parse_log_format(value: str) -> LogFormat:
    if value == "text":
        return "text"
    if value == "json":
        return "json"
    raise Invalid("text or json")


_AGE = re.compile(r"^(\d{1,5})\s*([dh]?)$")
MIN_AGE = timedelta(hours=1)
MAX_AGE = timedelta(days=3650)


def parse_age(value: str) -> timedelta:
    """`30d`, `36h`, or a bare number of days: how long something is kept."""
    match = _AGE.match(value.strip().lower())
    expected = "an age such as 30d (days) or 36h (hours), from 1h to 3650d"
    if match is None:
        raise Invalid(expected)
    number, unit = int(match[1]), match[2] or "d"
    age = timedelta(days=number) if unit == "d" else timedelta(hours=number)
    if not MIN_AGE <= age <= MAX_AGE:
        raise Invalid(expected)
    return age


def both_or_neither(reader: Reader, first: str, second: str) -> None:
    has_first, has_second = reader.raw(first) is not None, reader.raw(second) is not None
    if has_first and not has_second:
        reader.fail(second, f"set too when {first} is set (both or neither)", "unset")
    if has_second and not has_first:
        reader.fail(first, f"set too when {second} is set (both or neither)", "unset")


def redact_url(url: str) -> str:
    """The URL with its password replaced, fit for logs."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
