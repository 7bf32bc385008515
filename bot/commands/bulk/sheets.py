"""CSV sheets: reading one with every bad row named, and writing one. Every import reads its
file here (`product import`, `map import`, `menu import`, `count import`), so they share one set
of rules.

A sheet is UTF-8 (a byte-order mark is fine, as spreadsheets write one), comma-separated, with
a header row naming its columns in any order and any case. Lines starting with `#` above the
header are comments; below it every line is a row (a product may be called `#1 Lager`), and
blank lines are skipped. Reading is all or nothing: every problem is collected with its line
number, and the refusal lists them all, so a manager fixes a file in one pass. Bounds: the
file at most `MAX_FILE_BYTES` (`bot.commands.bulk.files`), `MAX_ROWS` rows, `MAX_CELL`
characters a cell; a quoted cell may not run over several lines.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine.errors import InvalidInput
from engine.usecases.bulk import Problems

MAX_ROWS = 5_000
MAX_CELL = 1_000
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: Mapping[str, str]
    """By column name (lower case), stripped; a column left empty is ''."""

    @property
    def where(self) -> str:
        return f"line {self.line}"

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def read_sheet(
    data: bytes,
    file: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    aliases: Mapping[str, str] | None = None,
    other_columns: bool = False,
    problems: Problems | None = None,
) -> list[Row]:
    """The rows of a CSV sheet; raises `InvalidInput` for a file that is not a sheet of these
    columns (not UTF-8 text, no header, a missing column, too many rows).

    `aliases` maps other names a person may give a column to its name here (`count` ->
    `amount`); `other_columns` ignores columns not named here instead of refusing them (a count
    sheet carries columns that help whoever fills it in). A row that cannot be read (too many
    cells, a cell too long) goes to `problems` when given, for the caller to refuse with its
    own; otherwise they are refused here."""
    text = _text(data, file)
    lines = _LINE_END.split(text)
    start = next((n for n, line in enumerate(lines) if _above_header(line) is False), None)
    if start is None:
        raise InvalidInput(f"{file} is empty", hint=_columns_hint(required, optional))
    body = [(n + 1, line) for n, line in enumerate(lines) if n > start and line.strip()]
    kept = [(start + 1, lines[start]), *body]
    records = csv.reader(io.StringIO("\n".join(line for _, line in kept)), strict=True)
    try:
        table = list(records)
    except csv.Error as error:
        raise InvalidInput(f"{file} is not a readable CSV sheet ({error})") from None
    if len(table) != len(kept):  # a quoted cell spanning lines: not what a sheet holds
        raise InvalidInput(f"{file}: a quoted cell runs over several lines")
    header = [_column(cell, aliases) for cell in table[0]]
    _check_header(file, header, required, optional, other_columns)
    if len(table) - 1 > MAX_ROWS:
        raise InvalidInput(f"{file} has {len(table) - 1:,} rows; at most {MAX_ROWS:,} at once")
    found = problems if problems is not None else Problems(file)
    rows: list[Row] = []
    for (line, _), record in zip(kept[1:], table[1:], strict=True):
        if len(record) > len(header) and any(cell.strip() for cell in record[len(header) :]):
            found.add(line, f"{len(record)} cells for {len(header)} columns")
            continue
        cells = {name: cell.strip() for name, cell in zip(header, record, strict=False)}
        if any(len(cell) > MAX_CELL for cell in cells.values()):
            found.add(line, f"a cell holds more than {MAX_CELL:,} characters")
            continue
        rows.append(Row(line, cells))
    if problems is None:
        found.refuse_if_any()
    return rows


def _text(data: bytes, file: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{file} is not UTF-8 text (byte {error.start})",
            hint="save it as CSV UTF-8 (comma-separated values)",
        ) from None
    if "\x00" in text:
        raise InvalidInput(f"{file} is not text: save it as CSV (comma-separated values)")
    return text


def _above_header(line: str) -> bool:
    """Whether a line before the header is skipped (blank, or a `#` comment)."""
    return not line.strip() or line.lstrip().startswith("#")


def _column(cell: str, aliases: Mapping[str, str] | None) -> str:
    name = " ".join(cell.strip().lower().split())
    return (aliases or {}).get(name, name)


def _check_header(
    file: str,
    header: list[str],
    required: Sequence[str],
    optional: Sequence[str],
    other_columns: bool,
) -> None:
    hint = _columns_hint(required, optional)
    named = [c for c in header if c]
    if len(set(named)) != len(named):
        raise InvalidInput(f"{file}: a column is named twice in the header", hint=hint)
    if missing := [c for c in required if c not in header]:
        raise InvalidInput(f"{file}: the header lacks {', '.join(missing)}", hint=hint)
    unknown = [c or "(one with no name)" for c in header if c not in (*required, *optional)]
    if unknown and not other_columns:
        raise InvalidInput(f"{file}: unknown column {', '.join(unknown)}", hint=hint)


def _columns_hint(required: Sequence[str], optional: Sequence[str]) -> str:
    shown = ", ".join([*required, *(f"[{c}]" for c in optional)])
    return f"a CSV sheet with the header row: {shown}"


def write_sheet(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A CSV sheet (header first, `\\n` line ends) that `read_sheet` reads back."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
