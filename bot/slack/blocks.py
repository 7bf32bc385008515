"""Block Kit's limits, and the pieces every barback message is made of: split, never cut.

Limits (docs.slack.dev/reference/block-kit; slack_sdk's models enforce most of them when a block
is turned into a dict, and the tests validate every payload with those models):

| what | limit |
|---|---|
| blocks in a message / in a modal or Home tab | 50 / 100 |
| a section's text; a field; a context element | 3,000; 2,000; 2,000 characters |
| fields in a section; elements in a context / actions block | 10; 10 / 25 |
| a button's text / value | 75 / 2,000 characters |
| all blocks of a message | 12,000 characters: `msg_blocks_too_long` near 13,000 (bolt-js #2509) |
| a message's `text` | truncated by Slack above 40,000; 4,000 recommended |

Long text is split on line boundaries into as many sections (or context elements) as it needs;
buttons go 25 to an actions block; `bot.slack.pages` spreads blocks over messages. Nothing is cut
but the fallback `text` (the notification line), whose whole content is in the blocks.

User and POS text is escaped (`&`, `<`, `>` only, as Slack asks). A button's `action_id` is
`barback_cmd:<n>` and its `value` the command text, which the click listener runs through the
same parser as typed text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.commands.replies import Action
from bot.slack.tables import fit

__all__ = [
    "COMMAND_ACTION_ID",
    "MAX_BLOCKS",
    "MAX_MESSAGE_CHARS",
    "MAX_TEXT",
    "MAX_VIEW_BLOCKS",
    "SlackMessage",
    "action_blocks",
    "block_chars",
    "command_action_id",
    "context_blocks",
    "escape",
    "fallback",
    "section_blocks",
    "split_text",
]

Json = dict[str, Any]

MAX_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_TEXT = 2000
MAX_BUTTONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_CONFIRM_TEXT = 300
MAX_MESSAGE_CHARS = 12_000
MAX_FALLBACK = 4_000
COMMAND_ACTION_ID = re.compile(r"^barback_cmd:\d+$")  # for `bolt_app.action(COMMAND_ACTION_ID)`
_ENTITY_TAIL = re.compile(r"&[a-z]{0,3}$")


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """`text` is the notification and screen-reader fallback Slack asks for with blocks."""

    text: str
    blocks: tuple[Json, ...]

    def payload(self) -> Json:
        """Keyword arguments for `respond`, `say`, `ack` or `chat_postMessage`."""
        return {"text": self.text, "blocks": list(self.blocks)}


def escape(text: str) -> str:
    """Slack's mrkdwn escaping: `&`, `<` and `>` only (never whole-string HTML encoding)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def command_action_id(n: int) -> str:
    return f"barback_cmd:{n}"


def block_chars(block: Block | Json) -> int:
    """What a block counts towards `MAX_MESSAGE_CHARS`: its JSON, every key and quote included
    (more than Slack counts, so a message under the budget is under Slack's)."""
    raw = block.to_dict() if isinstance(block, Block) else block
    return len(json.dumps(raw, ensure_ascii=False))


def fallback(text: str) -> str:
    """A message's `text`: `text` itself up to `MAX_FALLBACK`, else its first lines and "…"
    (the blocks carry all of it)."""
    flat = text.strip() or "barback"
    if len(flat) <= MAX_FALLBACK:
        return flat
    return split_text(flat, MAX_FALLBACK - 1)[0] + "…"


def split_text(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut between lines where a line allows,
    else between words, else anywhere but inside an `&amp;`-style entity. Joined with newlines
    (or nothing, inside a line) they give `text` back."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while len(line) > limit:
            cut = line.rfind(" ", 1, limit + 1)
            cut = cut if cut > 0 else limit
            if cut == limit and (entity := _ENTITY_TAIL.search(line[:cut])):
                cut = entity.start() or limit
            pieces.append(line[:cut])
            line = line[cut:]
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces


def section_blocks(mrkdwn: str) -> list[Block]:
    """Sections holding all of `mrkdwn` (already escaped), 3,000 characters at most each."""
    parts = split_text(mrkdwn, MAX_TEXT)
    return [SectionBlock(text=MarkdownTextObject(text=part or " ")) for part in parts]


def context_blocks(notes: list[str]) -> list[Block]:
    """Context blocks holding every note (mrkdwn, escaped): long notes split into elements of
    2,000 characters, up to ten elements and `MAX_TEXT` characters a block (so that no block is
    too big for a page on its own)."""
    parts = [part for note in notes if note.strip() for part in split_text(note, MAX_CONTEXT_TEXT)]
    groups: list[list[str]] = []
    for part in parts:
        group = groups[-1] if groups else None
        if (
            group is None
            or len(group) == MAX_CONTEXT_ELEMENTS
            or sum(map(len, group)) + len(part) > MAX_TEXT
        ):
            groups.append([part])
        else:
            group.append(part)
    return [ContextBlock(elements=[MarkdownTextObject(text=p) for p in g]) for g in groups]


def action_blocks(actions: tuple[Action, ...]) -> list[Block]:
    """Every action as a button, 25 to an actions block. A command too long for a button's
    value (2,000 characters: never seen) is shown to be typed instead, never dropped."""
    buttons: list[ButtonElement] = []
    typed: list[str] = []
    for n, action in enumerate(actions):
        if len(action.command) > MAX_BUTTON_VALUE:
            typed.append(f"{escape(action.label)}: type `{escape(action.command)}`")
        else:
            buttons.append(_button(n, action))
    blocks: list[Block] = [
        ActionsBlock(elements=buttons[i : i + MAX_BUTTONS])
        for i in range(0, len(buttons), MAX_BUTTONS)
    ]
    for text in typed:
        blocks += section_blocks(text)
    return blocks


def _button(n: int, action: Action) -> ButtonElement:
    confirm = None
    if action.style == "danger":
        question = fit(f"This runs: {action.command}", MAX_CONFIRM_TEXT)
        confirm = ConfirmObject(
            title=PlainTextObject(text=fit(action.label, 100)),
            text=PlainTextObject(text=question),
            confirm=PlainTextObject(text="Yes, do it"),
            deny=PlainTextObject(text="Cancel"),
            style="danger",
        )
    return ButtonElement(
        text=PlainTextObject(text=fit(action.label, MAX_BUTTON_TEXT) or "Run", emoji=True),
        action_id=command_action_id(n),
        value=action.command,
        style=action.style,
        confirm=confirm,
    )
