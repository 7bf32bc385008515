"""Logging: JSON lines with the request id and extra context, and secrets scrubbed."""

from __future__ import annotations

import io
import json
import logging

from app.logs import REDACTED, configure_logging, redact, request_id_var


def json_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_json_lines_carry_level_logger_request_id_and_extra() -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    token = request_id_var.set("req-42")
    try:
        logging.getLogger("barback.test").info("booked %d lines", 3, extra={"venue": "downtown"})
    finally:
        request_id_var.reset(token)
    logging.getLogger("barback.test").debug("below the level")
    [line] = json_lines(stream)
    assert line["level"] == "INFO"
    assert line["logger"] == "barback.test"
    assert line["msg"] == "booked 3 lines"
    assert line["request_id"] == "req-42"
    assert line["venue"] == "downtown"
    assert "extra" not in line
    assert isinstance(line["ts"], str) and line["ts"].endswith("+00:00")


def test_json_lines_hold_the_traceback() -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("barback.test").exception("it failed")
    [line] = json_lines(stream)
    assert line["request_id"] is None
    assert "ValueError: boom" in str(line["exc"])


def test_configuring_twice_keeps_one_handler() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("INFO", "text", stream=first)
    configure_logging("INFO", "text", stream=second)
    logging.getLogger("barback.test").warning("once", extra={"provider": "square"})
    assert first.getvalue() == ""
    assert second.getvalue().count("once") == 1
    assert "WARNING barback.test once provider=square" in second.getvalue()


def test_known_secrets_and_token_shapes_are_scrubbed() -> None:
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream, secrets=["sq-signature-key-123"])
    log = logging.getLogger("barback.test")
    log.info("key %s in a message", "sq-signature-key-123")
    log.info("slack said no", extra={"token": "xoxb-1234567890-abcdefghij"})
    try:
        raise RuntimeError("connect to postgresql://bar:hunter2@db/barback failed")
    except RuntimeError:
        log.exception("database")
    text = stream.getvalue()
    for secret in ("sq-signature-key-123", "xoxb-1234567890", "hunter2"):
        assert secret not in text
    assert text.count(REDACTED) >= 3  # the traceback quotes the raising line too


def test_redact_keeps_ordinary_text() -> None:
    assert redact("GET /healthz 200 from 10.0.0.1") == "GET /healthz 200 from 10.0.0.1"
    assert redact("Authorization: Bearer abcdefgh12345") == f"Authorization: Bearer {REDACTED}"
