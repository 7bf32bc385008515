"""The count sheet and count sessions: the sheet to fill in, and a filled one saved at once.

`count import <file>` reads its file through the front-end's `FileSource` (a path in a terminal,
a file shared in the channel in Slack), as every import does. Writing the sheet to a file is the
terminal's part (`app.count_files`); Slack answers `count sheet` with its own form.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING, cast

from bot.commands import commands as c
from bot.commands.amounts import read_quantity
from bot.commands.bulk.sheets import read_sheet
from bot.commands.handlers.reading import AnyHandler
from bot.commands.replies import Reply
from bot.commands.tokens import Cursor, tokenize
from bot.commands.values import QuantityText
from bot.commands.views.counts import (
    count_session_reply,
    count_sheet_document,
    count_sheet_reply,
)
from engine.count_sheets import CountEntry
from engine.errors import InvalidEntries, InvalidInput
from engine.usecases import count_sessions
from engine.usecases.bulk import Problems

if TYPE_CHECKING:
    from bot.commands.context import SessionContext

PRODUCT, AMOUNT = "product", "amount"
ALIASES = {"count": AMOUNT, "name": PRODUCT}


def read_amount(text: str) -> QuantityText:
    """A count as typed in a sheet's cell or a form's field: `3.4`, `2550 ml`, `0`."""
    cur = Cursor(tokenize(text))
    amount = read_quantity(cur, "count", zero_allowed=True)
    cur.expect_end()
    return amount


async def count_sheet(command: c.CountSheet, ctx: SessionContext) -> Reply:
    """The sheet to fill in: printed, or handed over as a file (the terminal writes the file
    itself: `app.count_files`)."""
    sheet = await count_sessions.count_sheet(ctx.uow, ctx.clock, ctx.slug)
    if command.file is not None:
        return count_sheet_document(sheet, PurePath(command.file).name)
    return count_sheet_reply(sheet)


async def count_import(command: c.CountImport, ctx: SessionContext) -> Reply:
    return await import_counts(await ctx.read_file(command.file), command.file, ctx)


async def import_counts(data: bytes, file: str, ctx: SessionContext) -> Reply:
    """A filled count sheet (CSV: product, amount; other columns ignored) as one count session.
    Blank amounts are not counted. Every bad row (an unreadable amount, an unknown product, a
    count of more than 10,000 containers) is named with its line; one refuses all."""
    unreadable = Problems(file)
    rows = read_sheet(
        data,
        file,
        required=(PRODUCT, AMOUNT),
        aliases=ALIASES,
        other_columns=True,
        problems=unreadable,
    )
    refused = [(f"line {line}", reason) for line, reason in unreadable.found]
    entries = []
    for row in rows:
        typed, product = row.get(AMOUNT), row.get(PRODUCT)
        if not typed:
            continue
        if not product:
            refused.append((row.where, f"the count {typed!r} names no product"))
            continue
        try:
            entries.append(CountEntry(row.where, product, read_amount(typed)))
        except InvalidInput as error:
            refused.append((row.where, error.message))
    try:
        session = await count_sessions.record_count_session(
            ctx.uow,
            ctx.clock,
            ctx.slug,
            entries=entries,
            actor=ctx.actor.audit_name,
            source="import",
            refused=refused,
        )
    except InvalidEntries as error:  # in the file's order, whichever check refused a row
        raise InvalidEntries(error.message, sorted(error.problems, key=_line)) from None
    return count_session_reply(session, ctx.actor.display)


def _line(problem: tuple[str, str]) -> int:
    number = problem[0].removeprefix("line ")
    return int(number) if number.isdigit() else 0


COUNTING = cast(
    Mapping[type[c.Command], AnyHandler],
    {c.CountSheet: count_sheet, c.CountImport: count_import},
)
