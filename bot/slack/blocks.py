"""A `Reply` as a Slack message: Block Kit blocks plus the fallback `text`, within Slack's limits.

Layout, top to bottom: the summary (":warning:" first on a refusal), each table, the suggested
actions as buttons, and a context line (a refusal's hint, and whatever the caller adds). Tables of
two columns and a few rows become section fields, which Slack shows side by side on a phone too;
anything else is an aligned monospace block (`bot.slack.tables`), split across sections.

Limits (slack-platform.md §3.6): 50 blocks a message, 3000 characters a section text, 10 fields
of 2000 characters a section, 25 buttons an actions block, button text 75 and value 2000. The sum
of block text is kept under 12,000 characters: Slack answers `msg_blocks_too_long` near 13k
(bolt-js #2509). A table that does not fit is cut, ending "…and N more". Every block is built
with slack_sdk's models, whose validators run in `to_dict()`.

User and POS text is escaped (`&`, `<`, `>` only, as Slack asks); the caller's `context` is
mrkdwn written by us (`<@U123>`), so it is not. A button's `action_id` is `barback_cmd:<n>` and its
`value` the command text, which the click listener runs through the same parser as typed text.
"""

from __future__ import annotations

import logging
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

from bot.commands.replies import Action, Reply, Table
from bot.slack.tables import fit, table_lines

__all__ = [
    "COMMAND_ACTION_ID",
    "MAX_BLOCKS",
    "SlackMessage",
    "command_action_id",
    "escape",
    "render_reply",
]

logger = logging.getLogger(__name__)

Json = dict[str, Any]

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_BUTTONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_CONFIRM_TEXT = 300
MAX_MESSAGE_CHARS = 12_000
FIELDS_MAX_ROWS = 8  # header pair + 8 rows = 18 fields: two sections at most
NOTE_ROOM = 40  # kept free in every table block for "…and N more"
WARNING = ":warning:"
COMMAND_ACTION_ID = re.compile(r"^barback_cmd:\d+$")  # for `bolt_app.action(COMMAND_ACTION_ID)`


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


def render_reply(
    reply: Reply, *, context: str | None = None, max_blocks: int = MAX_BLOCKS
) -> SlackMessage:
    """The message for `reply`. `reply.chart` is not drawn here: it is uploaded as a file."""
    head = _summary_blocks(reply)
    actions = _actions_block(reply.actions)
    fixed = len(head) + (actions is not None) + 1  # + 1: the context line, always kept free
    budget = _Budget(max_blocks - fixed, MAX_MESSAGE_CHARS - _chars(head))
    body: list[Block] = []
    for table in reply.tables:
        body += _table_blocks(table, budget)
    tail: list[Block] = [actions] if actions is not None else []
    notes = _context_notes(reply, context, budget.rows_left_out)
    if notes:
        tail.append(ContextBlock(elements=[MarkdownTextObject(text=n) for n in notes]))
    blocks = tuple(block.to_dict() for block in [*head, *body, *tail])
    return SlackMessage(text=_fallback(reply), blocks=blocks)


class _Budget:
    def __init__(self, blocks: int, chars: int) -> None:
        self.blocks = blocks
        self.chars = chars
        self.rows_left_out = 0

    def spend(self, text: str) -> None:
        self.blocks -= 1
        self.chars -= len(text)


def _fallback(reply: Reply) -> str:
    text = escape(reply.summary.strip()) or "barback"
    text = text if reply.ok else f"{WARNING} {text}"
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def _summary_blocks(reply: Reply) -> list[Block]:
    text = _fallback(reply)
    return [SectionBlock(text=MarkdownTextObject(text=text))]


def _chars(blocks: list[Block]) -> int:
    return sum(len(str(block.to_dict())) for block in blocks)


# --- tables -------------------------------------------------------------------------------------


def _table_blocks(table: Table, budget: _Budget) -> list[Block]:
    title = f"*{escape(fit(table.title, 200))}*" if table.title else ""
    if not table.rows:
        return _text_blocks([f"{title}\n_none_" if title else "_none_"], budget)
    if len(table.columns) == 2 and len(table.rows) <= FIELDS_MAX_ROWS:
        blocks = _field_table(table, title)
        if len(blocks) <= budget.blocks and _chars(blocks) <= budget.chars:
            for block in blocks:
                budget.spend(str(block.to_dict()))
            return blocks
    return _text_blocks(_code_table(table, title, budget), budget)


def _text_blocks(texts: list[str], budget: _Budget) -> list[Block]:
    blocks: list[Block] = []
    for text in texts:
        if budget.blocks <= 0:
            break
        budget.spend(text)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    return blocks


def _field_table(table: Table, title: str) -> list[Block]:
    cells = [f"*{escape(fit(c.name, 200))}*" for c in table.columns]
    cells += [_field(cell) for row in table.rows for cell in row]
    sections: list[Block] = []
    for start in range(0, len(cells), MAX_FIELDS):
        fields = [MarkdownTextObject(text=c) for c in cells[start : start + MAX_FIELDS]]
        text = MarkdownTextObject(text=title) if title and not sections else None
        sections.append(SectionBlock(text=text, fields=fields))
    return sections


def _field(cell: str) -> str:
    text = escape(cell.strip())
    if len(text) > MAX_FIELD_TEXT:
        text = text[: MAX_FIELD_TEXT - 1] + "…"
    return text or "–"  # Slack refuses an empty text object


def _code(line: str) -> str:
    # A backtick run would close the ``` fence early; ˋ (U+02CB) looks the same.
    return escape(line.replace("`", "ˋ"))


def _code_table(table: Table, title: str, budget: _Budget) -> list[str]:
    """Section texts holding the table in ``` blocks, the header repeated in each."""
    header, lines = table_lines(table)
    texts: list[str] = []
    chars_left = budget.chars
    shown = 0
    while shown < len(lines) and len(texts) < budget.blocks:
        opening = (f"{title}\n" if title and not texts else "") + f"```\n{_code(header)}\n"
        room = min(MAX_TEXT, chars_left) - len(opening) - len("\n```") - NOTE_ROOM
        body: list[str] = []
        used = 0
        while shown < len(lines) and used + len(_code(lines[shown])) + 1 <= room:
            body.append(_code(lines[shown]))
            used += len(body[-1]) + 1
            shown += 1
        if not body:
            break
        texts.append(opening + "\n".join(body) + "\n```")
        chars_left -= len(texts[-1])
    left_out = len(lines) - shown
    if left_out:
        note = f"_…and {left_out} more_"
        if texts:
            texts[-1] += "\n" + note
        else:
            budget.rows_left_out += left_out
    return texts


# --- actions and context ------------------------------------------------------------------------


def _actions_block(actions: tuple[Action, ...]) -> ActionsBlock | None:
    buttons = [b for n, a in enumerate(actions) if (b := _button(n, a)) is not None]
    if not buttons:
        return None
    if len(buttons) > MAX_BUTTONS:
        logger.warning("reply has %d actions; showing %d", len(buttons), MAX_BUTTONS)
    return ActionsBlock(elements=buttons[:MAX_BUTTONS])


def _button(n: int, action: Action) -> ButtonElement | None:
    if len(action.command) > MAX_BUTTON_VALUE:
        # Cutting a command would run a different one; the words still work typed.
        logger.warning(
            "action %d (%r): command of %d characters dropped", n, action.label, len(action.command)
        )
        return None
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


def _context_notes(reply: Reply, context: str | None, rows_left_out: int) -> list[str]:
    notes = []
    hint = reply.data.get("hint") if not reply.ok else None
    if isinstance(hint, str) and hint.strip():
        notes.append(fit(escape(hint), MAX_FIELD_TEXT))
    if rows_left_out:
        notes.append(f"…and {rows_left_out} more rows: ask for less, or use the CLI's --json")
    if context:
        notes.append(context[:MAX_FIELD_TEXT])
    return notes
