"""CSV sheets: reading one with every bad row named, and writing one.

A sheet is UTF-8 (a byte-order mark is fine, as spreadsheets write one), comma-separated, with
a header row naming its columns in any order and any case; blank lines are skipped and a `#`
at the start of a line makes it a comment. Reading is all or nothing: every problem is
collected with its line number, and the refusal lists them all (`engine.usecases.bulk`), so a
manager fixes a file in one pass. Bounds: `MAX_ROWS` rows, `MAX_CELL` characters a cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine.errors import InvalidInput
from engine.usecases.bulk import Problems

MAX_ROWS = 5_000
MAX_CELL = 1_000


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: Mapping[str, str]
    """By column name (lower case), stripped; a column left empty is ''."""

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def read_sheet(
    data: bytes, file: str, *, required: Sequence[str], optional: Sequence[str] = ()
) -> list[Row]:
    """The rows of a CSV sheet; raises `InvalidInput` for a file that is not a sheet of these
    columns (not UTF-8, no header, a missing or unknown column, too many rows)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{file} is not UTF-8 text (byte {error.start})") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1)]
    lines = [(n, line) for n, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InvalidInput(f"{file} is empty", hint=_columns_hint(required, optional))
    records = csv.reader(io.StringIO("\n".join(line for _, line in lines)), strict=True)
    try:
        table = list(records)
    except csv.Error as error:
        raise InvalidInput(f"{file} is not a readable CSV sheet ({error})") from None
    if len(table) != len(lines):  # a quoted cell spanning lines: not what a sheet holds
        raise InvalidInput(f"{file}: a quoted cell runs over several lines")
    header = [cell.strip().lower() for cell in table[0]]
    _check_header(file, header, required, optional)
    if len(table) - 1 > MAX_ROWS:
        raise InvalidInput(f"{file} has {len(table) - 1:,} rows; at most {MAX_ROWS:,} at once")
    rows: list[Row] = []
    problems = Problems(file)
    for (line, _), record in zip(lines[1:], table[1:], strict=True):
        if len(record) > len(header):
            problems.add(line, f"{len(record)} cells for {len(header)} columns")
            continue
        cells = {name: cell.strip() for name, cell in zip(header, record, strict=False)}
        if any(len(cell) > MAX_CELL for cell in cells.values()):
            problems.add(line, f"a cell holds more than {MAX_CELL} characters")
            continue
        rows.append(Row(line, cells))
    problems.refuse_if_any()
    return rows


def _check_header(
    file: str, header: list[str], required: Sequence[str], optional: Sequence[str]
) -> None:
    hint = _columns_hint(required, optional)
    if len(set(header)) != len(header):
        raise InvalidInput(f"{file}: a column is named twice in the header", hint=hint)
    if missing := [c for c in required if c not in header]:
        raise InvalidInput(f"{file}: the header lacks {', '.join(missing)}", hint=hint)
    if unknown := [c for c in header if c not in (*required, *optional)]:
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
