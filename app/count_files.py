"""The terminal's part of count sessions: `count sheet <file.csv>` writes the sheet to fill in,
in the directory the command runs in (`count import` reads it back through the terminal's
`FileSource`, as every import does). A sheet is never written over an existing file: it may hold
a filled count.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands import commands as c
from bot.commands import messages as m
from bot.commands.replies import Reply
from bot.commands.views.counts import count_sheet_json, count_sheet_reply, count_sheet_text
from engine.usecases import count_sessions

if TYPE_CHECKING:
    from bot.commands.context import Handler, SessionContext


def terminal_handlers() -> dict[type[c.Command], Handler]:
    """The handlers the terminal gives its sessions (`SessionContext.front_end_handlers`)."""
    return {
        c.CountSheet: count_sheet_file,  # type: ignore[dict-item]
    }


async def count_sheet_file(command: c.CountSheet, ctx: SessionContext) -> Reply:
    sheet = await count_sessions.count_sheet(ctx.uow, ctx.clock, ctx.slug)
    if command.file is None:
        return count_sheet_reply(sheet)
    path = Path(command.file).expanduser()
    if path.exists():
        return Reply.refusal(
            f"{command.file} exists already: a count sheet is never written over a file",
            "conflict",
            hint="give another file name, or remove that file first",
        )
    try:
        path.write_text(count_sheet_text(sheet), encoding="utf-8")
    except OSError as error:
        return Reply.refusal(f"cannot write {command.file}: {error.strerror}", "invalid_input")
    n = len(sheet.lines)
    summary = m.COUNT_SHEET_WRITTEN.format(n=n, s="" if n == 1 else "s", file=command.file)
    return Reply(summary=summary, data={**count_sheet_json(sheet), "file": str(path)})
