"""A `Reply` as Slack messages: every row, every button, every line of it, over as many pages as
it takes (a page is one message within `bot.slack.blocks`' limits). Never cut.

Layout, top to bottom: the summary (":warning:" first on a refusal), each table, the suggested
actions as buttons, and the context notes (a refusal's hint, and whatever the caller adds). Tables
of two columns and a few rows become section fields, which Slack shows side by side on a phone
too; anything else is an aligned monospace block (`bot.slack.tables`), split across sections
with the header repeated in each.

Pages are cut between blocks: a page holds at most `MAX_BLOCKS - PAGER_BLOCKS` blocks and
`MAX_MESSAGE_CHARS - PAGER_CHARS` characters, leaving room for the pager a front-end adds under
a page when it sends the rest later (`bot.slack.answers`). The same reply always gives the same
pages, so page 4 of a re-run is page 4.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from bot.commands.replies import Reply, Table
from bot.slack.blocks import (
    MAX_BLOCKS,
    MAX_FIELDS,
    MAX_MESSAGE_CHARS,
    MAX_TEXT,
    SlackMessage,
    action_blocks,
    block_chars,
    context_blocks,
    escape,
    fallback,
    section_blocks,
)
from bot.slack.tables import fit, table_lines

__all__ = ["PAGER_BLOCKS", "PAGER_CHARS", "WARNING", "render_pages", "reply_text"]

PAGER_BLOCKS = 2  # a context line ("pages 1-3 of 7") and an actions block (More)
PAGER_CHARS = 1_500  # their JSON, with a More button's value of up to 1,000 characters
FIELDS_MAX_ROWS = 8  # header pair + 8 rows = 18 fields: two sections at most
FIELD_CELL_MAX = 100  # fields are for short figures; longer cells read better as a table
WARNING = ":warning:"


def reply_text(reply: Reply) -> str:
    """The reply's summary as mrkdwn, escaped; a refusal starts with ":warning:"."""
    text = escape(reply.summary.strip()) or "barback"
    return text if reply.ok else f"{WARNING} {text}"


def render_pages(reply: Reply, *, context: str | None = None) -> list[SlackMessage]:
    """The messages for `reply`, in order (one unless it is long). `context` is mrkdwn written
    by us (`<@U123>`), not escaped. `reply.chart` is not drawn here: it is uploaded as a file."""
    blocks: list[Block] = section_blocks(reply_text(reply))
    for table in reply.tables:
        blocks += _table_blocks(table)
    blocks += action_blocks(reply.actions)
    blocks += context_blocks(_notes(reply, context))
    pages = paginate(blocks)
    text = fallback(reply_text(reply))
    total = len(pages)
    return [
        SlackMessage(
            text=text if n == 1 else fallback(f"{text} (page {n} of {total})"),
            blocks=tuple(block.to_dict() for block in page),
        )
        for n, page in enumerate(pages, start=1)
    ]


def paginate(
    blocks: list[Block],
    *,
    max_blocks: int = MAX_BLOCKS - PAGER_BLOCKS,
    max_chars: int = MAX_MESSAGE_CHARS - PAGER_CHARS,
) -> list[list[Block]]:
    """`blocks` in order, in pages of at most `max_blocks` blocks and `max_chars` characters."""
    pages: list[list[Block]] = [[]]
    chars = 0
    for block in blocks:
        size = block_chars(block)
        if pages[-1] and (len(pages[-1]) >= max_blocks or chars + size > max_chars):
            pages.append([])
            chars = 0
        pages[-1].append(block)
        chars += size
    return pages


def _notes(reply: Reply, context: str | None) -> list[str]:
    notes = []
    hint = reply.data.get("hint") if not reply.ok else None
    if isinstance(hint, str) and hint.strip():
        notes.append(escape(hint))
    if context:
        notes.append(context)
    return notes


# --- tables -------------------------------------------------------------------------------------


def _table_blocks(table: Table) -> list[Block]:
    title = f"*{escape(fit(table.title, 200))}*" if table.title else ""
    if not table.rows:
        return section_blocks(f"{title}\n_none_" if title else "_none_")
    if (
        len(table.columns) == 2
        and len(table.rows) <= FIELDS_MAX_ROWS
        and all(len(escape(cell)) <= FIELD_CELL_MAX for row in table.rows for cell in row)
    ):
        return _field_table(table, title)
    return [SectionBlock(text=MarkdownTextObject(text=t)) for t in _code_table(table, title)]


def _field_table(table: Table, title: str) -> list[Block]:
    cells = [f"*{escape(fit(c.name, 200))}*" for c in table.columns]
    cells += [escape(cell.strip()) or "–" for row in table.rows for cell in row]  # never empty
    sections: list[Block] = []
    for start in range(0, len(cells), MAX_FIELDS):
        fields = [MarkdownTextObject(text=c) for c in cells[start : start + MAX_FIELDS]]
        text = MarkdownTextObject(text=title) if title and not sections else None
        sections.append(SectionBlock(text=text, fields=fields))
    return sections


def _code(line: str) -> str:
    # A backtick run would close the ``` fence early; ˋ (U+02CB) looks the same.
    return escape(line.replace("`", "ˋ"))


def _code_table(table: Table, title: str) -> list[str]:
    """Section texts holding every row in ``` blocks, the header repeated in each."""
    header, lines = table_lines(table)
    rows = [_code(line) for line in lines]
    texts: list[str] = []
    shown = 0
    while shown < len(rows):
        opening = (f"{title}\n" if title and not texts else "") + f"```\n{_code(header)}\n"
        room = MAX_TEXT - len(opening) - len("\n```")
        body: list[str] = []
        used = 0
        while shown < len(rows) and (not body or used + len(rows[shown]) + 1 <= room):
            body.append(rows[shown])  # a row is a table's width (`TABLE_WIDTH`): far below room
            used += len(body[-1]) + 1
            shown += 1
        texts.append(opening + "\n".join(body) + "\n```")
    return texts
