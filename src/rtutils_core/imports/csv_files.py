"""CSV files of new devices: columns by header, one device per row, rows numbered as a
spreadsheet shows them (the header is row 1); and the result file of an import."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Literal

from attrs import frozen

from rtutils_core.csv_cells import spreadsheet_cell
from rtutils_core.errors import InvalidInput
from rtutils_core.intake import DeviceIntake

#: Header (folded, ``_`` read as a space) -> field of :class:`DeviceIntake`.
COLUMNS = {
    "catalog": "catalog",
    "serial": "serial",
    "serial number": "serial",
    "manufacturer": "manufacturer",
    "model": "model",
    "type": "type",
    "funding source": "funding_source",
    "internal name": "internal_name",
    "tag": "tag",
    "prefix": "prefix",
}
REQUIRED = ("catalog", "serial", "manufacturer", "model", "type", "funding_source")
RESULT_COLUMNS = ("row", "asset_id", "tag", "internal_name", "state", "error")

#: What became of a row: created now, skipped (imported before), or failed (nothing in RT).
RowState = Literal["created", "skipped", "failed"]


@frozen
class CsvRow:
    """One device of the file and the row it came from."""

    number: int
    device: DeviceIntake


@frozen
class RowProblem:
    """Why a row cannot be imported; ``field`` names the input field (or is empty)."""

    row: int
    field: str
    message: str


@frozen
class RowResult:
    """One line of the result file."""

    row: int
    state: RowState
    asset_id: int | None = None
    tag: str = ""
    internal_name: str = ""
    error: str = ""


def _column(header: str) -> str | None:
    return COLUMNS.get(" ".join(header.replace("_", " ").split()).casefold())


def read_rows(lines: Iterable[str]) -> list[CsvRow]:
    """The devices of a CSV file (text lines, header first).

    Refuses a file without a header for every required column, or with two columns for one
    field, naming them; blank rows are passed over. Cells are taken as they are: checking
    them is the dry run's job, so that every problem is reported with its row.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if not header:
        raise InvalidInput("the CSV file is empty; its first row must name the columns")
    fields = [_column(h) for h in header]
    present = [f for f in fields if f]
    twice = sorted({f for f in present if present.count(f) > 1})
    if twice:
        raise InvalidInput(f"the CSV file has more than one column for {', '.join(twice)}")
    missing = [r.replace("_", " ") for r in REQUIRED if r not in present]
    if missing:
        known = ", ".join(sorted(COLUMNS))
        raise InvalidInput(
            f"the CSV file lacks the columns {', '.join(missing)} (columns known: {known})"
        )
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        values = {f: (cells[i] if i < len(cells) else "") for i, f in enumerate(fields) if f}
        for optional in ("internal_name", "tag", "prefix"):
            values[optional] = values.get(optional) or None  # type: ignore[assignment]
        rows.append(CsvRow(number, DeviceIntake(**values)))
    return rows


def iter_results_csv(results: Iterable[RowResult]) -> Iterator[str]:
    """The result file as CSV text chunks, header first, one chunk per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RESULT_COLUMNS)
    yield buffer.getvalue()
    for r in results:
        buffer.seek(0)
        buffer.truncate()
        cells = (r.row, r.asset_id, r.tag, r.internal_name, r.state, r.error)
        writer.writerow([spreadsheet_cell(c) for c in cells])
        yield buffer.getvalue()
