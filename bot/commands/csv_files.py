"""Reading and writing the CSV files the imports read and the exports write (a count sheet today),
with the rules every import shares: the whole file is read before anything changes, every bad row
is named by its line number with the reason, and one bad row refuses the whole file.

Text in, text out: the front-end (the terminal) reads and writes the file itself, so this module
does no I/O. Bounds, refused with the reason (`InvalidInput`): at most `MAX_BYTES` of text and
`MAX_ROWS` rows, a header naming the columns, at most `MAX_CELL` characters a cell. Column names
are matched case-insensitively, surrounding spaces ignored; columns the reader does not know are
ignored (a sheet carries columns to help the person filling it in); blank rows are skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine.errors import InvalidEntries, InvalidInput

MAX_BYTES = 1_048_576
MAX_ROWS = 5_000
MAX_CELL = 500


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One row: `line` is the file's line number it starts on (the header is line 1), `values`
    its cells by column name (lower-cased), blank for a cell the row leaves out."""

    line: int
    values: Mapping[str, str]

    @property
    def where(self) -> str:
        return f"line {self.line}"

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass(frozen=True, slots=True)
class CsvFile:
    """The rows read, and the rows that could not be read (`line 7`, why): the importer adds its
    own refusals (an unknown product, a bad amount) to `problems` and refuses them all at once
    (`refuse`), so a manager fixes the whole file in one go."""

    rows: tuple[CsvRow, ...]
    problems: tuple[tuple[str, str], ...]


def refuse(problems: Sequence[tuple[str, str]]) -> None:
    """Raise `InvalidEntries` naming every problem, if there is any."""
    if problems:
        n = len(problems)
        message = f"nothing was changed: {n} {'row was' if n == 1 else 'rows were'} refused"
        raise InvalidEntries(message, problems)


def read_rows(
    text: str,
    *,
    required: Sequence[str],
    aliases: Mapping[str, str] | None = None,
    max_rows: int = MAX_ROWS,
) -> CsvFile:
    """The rows of a CSV file with a header naming at least the `required` columns.

    `aliases` maps other names a person may give a column to the name used here (`count` ->
    `amount`). Raises `InvalidInput` for a file that cannot be read at all; a row that cannot be
    read (too many or too long cells) is a problem of the result."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise InvalidInput(f"the file is larger than {MAX_BYTES // 1024} KiB")
    if "\x00" in text:
        raise InvalidInput("the file is not text: save it as CSV (comma-separated values)")
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise InvalidInput(f"line 1: {error}") from None
    names = [_column(cell, aliases) for cell in header or ()]
    missing = [column for column in required if column not in names]
    if header is None or missing:
        raise InvalidInput(
            f"line 1 should name the columns; {', '.join(missing)} is missing"
            if header
            else "the file is empty",
            hint="the first line names the columns, e.g. " + ",".join(required),
        )
    rows: list[CsvRow] = []
    problems: list[tuple[str, str]] = []
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as error:
            problems.append((f"line {line}", str(error)))
            break
        if cells is None:
            break
        if any(cell.strip() for cell in cells):
            rows.append(CsvRow(line, dict(zip(names, cells, strict=False))))
            problems += _cell_problems(line, cells, names)
            if len(rows) > max_rows:
                raise InvalidInput(f"the file has more than {max_rows:,} rows")
        line = reader.line_num + 1
    return CsvFile(tuple(rows), tuple(problems))


def _column(cell: str, aliases: Mapping[str, str] | None) -> str:
    name = " ".join(cell.strip().lower().split())
    return (aliases or {}).get(name, name)


def _cell_problems(line: int, cells: Sequence[str], names: Sequence[str]) -> list[tuple[str, str]]:
    problems = []
    if len(cells) > len(names) and any(cell.strip() for cell in cells[len(names) :]):
        problems.append((f"line {line}", f"{len(cells)} cells for {len(names)} columns"))
    if any(len(cell) > MAX_CELL for cell in cells):
        problems.append((f"line {line}", f"a cell is longer than {MAX_CELL} characters"))
    return problems


def write_rows(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A CSV file's text: the header, then the rows (cells quoted where CSV needs it)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
