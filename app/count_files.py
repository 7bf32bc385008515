"""The terminal's part of count sessions: the files. `count sheet <file.csv>` writes the sheet to
fill in; `count import <file.csv>` reads a filled one and saves it as one count session.

The grammar's handlers (`bot.commands.handlers.counting`) take and give text; these read and
write the files around them, in the directory the command runs in. A sheet is never written over
an existing file (it may hold a filled count); a file over the import bound is refused before it
is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands import commands as c
from bot.commands import messages as m
from bot.commands.csv_files import MAX_BYTES
from bot.commands.handlers.counting import import_counts
from bot.commands.replies import Reply
from bot.commands.views.counts import count_sheet_json, count_sheet_reply, count_sheet_text
from engine.usecases import count_sessions

if TYPE_CHECKING:
    from bot.commands.context import Handler, SessionContext


def terminal_handlers() -> dict[type[c.Command], Handler]:
    """The handlers the terminal gives its sessions (`SessionContext.front_end_handlers`)."""
    return {
        c.CountSheet: count_sheet_file,  # type: ignore[dict-item]
        c.CountImport: count_import_file,  # type: ignore[dict-item]
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


async def count_import_file(command: c.CountImport, ctx: SessionContext) -> Reply:
    path = Path(command.file).expanduser()
    try:
        if path.stat().st_size > MAX_BYTES:
            return Reply.refusal(
                f"{command.file} is larger than {MAX_BYTES // 1024} KiB", "invalid_input"
            )
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Reply.refusal(f"there is no file {command.file}", "not_found")
    except UnicodeDecodeError:
        return Reply.refusal(
            f"{command.file} is not UTF-8 text",
            "invalid_input",
            hint="save it as CSV UTF-8 (comma-separated values)",
        )
    except OSError as error:
        return Reply.refusal(f"cannot read {command.file}: {error.strerror}", "invalid_input")
    return await import_counts(text, ctx)
