"""Logging, configured once by the CLI: text for people, JSON lines for production.

Each record carries the request id of the HTTP request being handled (a contextvar set by the
request-id middleware) and the `extra` context its caller gave. A JSON line holds them all as
flat fields beside `ts`, `level`, `logger`, `msg` and `request_id` (a field that would take one
of those names is written `extra_<name>`), so a log store can filter on `route` or `status`
without parsing. A filter scrubs known secret values and anything shaped like a token before a
record is written anywhere.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any, TextIO

import orjson

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

REDACTED = "[redacted]"

# Shapes of credentials we might be handed: Slack tokens, our webhook secrets, bearer headers,
# passwords inside URLs. Exact values from the settings are scrubbed as well (see SecretFilter).
SECRET_PATTERNS = (
    (re.compile(r"xox[abeoprs]-[A-Za-z0-9-]{8,}"), REDACTED),
    (re.compile(r"whsec_[A-Za-z0-9_-]{16,}"), REDACTED),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\g<1>" + REDACTED),
    (re.compile(r"(://[^:/@\s]+:)[^@\s/]+(@)"), r"\g<1>" + REDACTED + r"\g<2>"),
)

# Loggers that chatter at INFO about their own machinery (alembic lists its plugins on each run),
# or at DEBUG about what they carry: aiosqlite logs every statement with its parameters (receipt
# contents, webhook bodies), which `LOG_LEVEL=DEBUG` must not put in the log.
QUIET_LOGGERS = {"alembic.runtime.plugins": logging.WARNING, "aiosqlite": logging.INFO}

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD_ATTRS = frozenset(
    set(vars(logging.LogRecord("", 0, "", 0, "", None, None)))
    | {"message", "asctime", "request_id", "taskName", "text_hidden"}
)
# The fields every JSON line has; `extra` context never overwrites them.
_JSON_FIELDS = frozenset({"ts", "level", "logger", "msg", "request_id", "exc"})


# SQLAlchemy writes a failed statement's parameters (receipt contents, webhook bodies) into its
# errors' text as one `[parameters: ...]` line. Every engine barback opens hides them
# (`hide_parameters`); this catches an engine that does not (a library's own, a future one).
SQL_PARAMETERS = re.compile(r"\[parameters: [^\n]*\]")
SQL_PARAMETERS_HIDDEN = "[parameters hidden]"


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for value in secrets:
        text = text.replace(value, REDACTED)
    for pattern, replacement in SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return SQL_PARAMETERS.sub(SQL_PARAMETERS_HIDDEN, text)


class SecretFilter(logging.Filter):
    """Scrubs the message, the traceback and string `extra` values of every record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret containing another is replaced whole. Very short values
        # would mangle ordinary words, and no real credential is that short.
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: let the handler report it as logging does
            return True
        record.msg = redact(message, self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, redact(value, self.secrets))
        return True


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


def extra_of(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in vars(record).items() if k not in _STANDARD_ATTRS}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts, level, logger, msg, request_id, the `extra` fields flat, and
    exc if any."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in extra_of(record).items():
            line[f"extra_{key}" if key in _JSON_FIELDS else key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        return orjson.dumps(line, default=str).decode()


class TextFormatter(logging.Formatter):
    """`time LEVEL logger [request id] message key=value...`, for a terminal (less the fields a
    record lists in `text_hidden`: the access log's message already says them)."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(rid)s %(message)s%(context)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.rid = f" [{request_id}]" if request_id else ""
        extra = extra_of(record)
        extra.pop("rid", None)
        extra.pop("context", None)
        for key in getattr(record, "text_hidden", ()):
            extra.pop(key, None)
        record.context = "".join(f" {k}={v}" for k, v in extra.items())
        return super().format(record)


def configure_logging(
    level: str = "INFO",
    log_format: str = "text",
    *,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send every logger's records to one stream handler on the root logger.

    Calling it again replaces the handler it installed before (tests, a CLI run in-process),
    never stacking a second one.
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.set_name("barback")
    handler.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(SecretFilter(secrets))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "barback"]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet_level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(quiet_level, root.level))
    return handler
