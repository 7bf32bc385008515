"""Block Kit payloads checked the way Slack would refuse them, with slack_sdk's own models.

slack_sdk's models raise `SlackObjectFormationError` from `to_dict()` on the limits they know
(a section's 3,000 characters, 10 fields, 25 actions, a button's 75/2,000, a view's 100 blocks,
...); the rest of Slack's documented limits are checked here: 50 blocks a message, 2,000
characters a field or a context element, the text fallback, and the size of all blocks (Slack
answers `msg_blocks_too_long` near 13,000 characters: barback keeps to 12,000). The fake Slack
answers with these errors, so every test that sends through it checks every payload.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

__all__ = [
    "MAX_BLOCKS",
    "MAX_TEXT_FALLBACK",
    "assert_message_ok",
    "assert_view_ok",
    "message_error",
    "table_rows",
    "texts",
    "view_error",
]

MAX_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_TEXT = 2000
MAX_TEXT_FALLBACK = 40_000  # Slack truncates beyond it (chat.postMessage, "text")
MAX_VIEW_BYTES = 250_000  # views.publish: view_too_large
MAX_MESSAGE_CHARS = 12_000  # all blocks' JSON; Slack's msg_blocks_too_long comes near 13,000

Json = Mapping[str, Any]


def _block_error(raw: Json) -> str | None:
    try:
        block = Block.parse(dict(raw))
        if block is None:
            return f"unknown block {raw.get('type')!r}"
        block.to_dict()  # every validator of the block and of what it holds
    except (SlackObjectFormationError, KeyError, TypeError, ValueError) as error:
        return f"{raw.get('type')}: {error}"
    for field in raw.get("fields") or []:
        if not 0 < len(field["text"]) <= MAX_FIELD_TEXT:
            return f"a field of {len(field['text'])} characters"
    if raw.get("type") == "context":
        for element in raw.get("elements") or []:
            if not 0 < len(element.get("text", "x")) <= MAX_CONTEXT_TEXT:
                return f"a context element of {len(element['text'])} characters"
    return None


def _blocks_error(blocks: Sequence[Json], max_blocks: int) -> str | None:
    if len(blocks) > max_blocks:
        return f"{len(blocks)} blocks, over {max_blocks}"
    for raw in blocks:
        if (error := _block_error(raw)) is not None:
            return error
    return None


def message_error(payload: Json) -> str | None:
    """Slack's error code for a message payload (`text`, `blocks`), or None when it is fine."""
    blocks: Sequence[Json] = payload.get("blocks") or []
    if (error := _blocks_error(blocks, MAX_BLOCKS)) is not None:
        return f"invalid_blocks: {error}"
    size = sum(len(json.dumps(b, ensure_ascii=False)) for b in blocks)
    if size > MAX_MESSAGE_CHARS:
        return f"msg_blocks_too_long: {size} characters"
    if len(str(payload.get("text") or "")) > MAX_TEXT_FALLBACK:
        return "msg_too_long"
    return None


def view_error(view: Json) -> str | None:
    """Slack's error code for a Home or modal view, or None when it is fine."""
    try:
        View(**dict(view)).to_dict()  # 100 blocks, title, submit, private_metadata, ...
    except (SlackObjectFormationError, TypeError) as error:
        return f"invalid_arguments: {error}"
    if (error := _blocks_error(view.get("blocks") or [], MAX_VIEW_BLOCKS)) is not None:
        return f"invalid_arguments: {error}"
    if len(json.dumps(view).encode()) > MAX_VIEW_BYTES:
        return "view_too_large"
    return None


def texts(blocks: Any) -> str:
    """Every text object's text (mrkdwn or plain) in `blocks`, depth first, one per line; not
    buttons' values."""
    if isinstance(blocks, list | tuple):
        return "\n".join(texts(b) for b in blocks)
    if not isinstance(blocks, Mapping):
        return ""
    own = [blocks["text"]] if blocks.get("type") in ("mrkdwn", "plain_text") else []
    inner = [texts(v) for v in blocks.values() if isinstance(v, Mapping | list)]
    return "\n".join([*own, *inner])


def table_rows(text: str) -> int:
    """Rows in the monospace tables of `text`, each block's header line not counted. A name too
    long for its column wraps onto further lines of its row, which hold nothing past the first
    column: a row is counted by its first line, the one reaching the second column."""
    rows = 0
    for block in re.findall(r"```\n(.*?)\n```", html.unescape(text), re.S):
        header, *lines = block.split("\n")
        gap = re.search(r"\S {2,}(?=\S)", header)
        second = gap.end() if gap else 0
        rows += sum(1 for line in lines if len(line.rstrip()) > second)
    return rows


def assert_message_ok(payload: Json) -> None:
    assert payload.get("text"), "a message with blocks needs its fallback text"
    assert (error := message_error(payload)) is None, error


def assert_view_ok(view: Json) -> None:
    assert (error := view_error(view)) is None, error
