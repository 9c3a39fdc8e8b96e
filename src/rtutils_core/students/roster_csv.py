"""Reading a roster file: CSV from the school information system, columns found by header.

Every row is checked; a bad row is reported by its line number and reason and not imported,
while the good rows go on. A file whose mapped columns are missing is refused as a whole.
"""

from __future__ import annotations

import csv
import io
import re

from attrs import frozen

from rtutils_core.errors import InvalidInput, RosterFileInvalid
from rtutils_core.students.values import (
    MAX_TEXT,
    ROSTER_FIELDS,
    BadRow,
    RosterColumns,
    Student,
    check_student_id,
    is_student_id,
    normal_grade,
)

#: Most rows one roster file may hold (a district is far smaller).
MAX_ROWS = 100_000
REQUIRED = ("student_id", "first_name", "last_name", "grade")
#: What the optional guardian column must hold: one plain address.
_ADDRESS = re.compile(r"[^\s@,;<>]+@[^\s@,;<>]+\.[^\s@,;<>]+")


@frozen
class RosterFile:
    """The good students of a roster file, in file order, and its bad rows."""

    students: tuple[Student, ...]
    bad_rows: tuple[BadRow, ...]
    rows: int


def read_roster(text: str, columns: RosterColumns | None = None) -> RosterFile:
    """Read roster CSV ``text`` (a byte-order mark is ignored) with the ``columns`` mapping."""
    columns = columns or RosterColumns()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise RosterFileInvalid(f"the roster is not readable CSV: {exc}") from None
    if not header:
        raise RosterFileInvalid("the roster file is empty (no header line)")
    index = _column_index(header, columns)
    students: list[Student] = []
    bad: list[BadRow] = []
    seen: dict[str, int] = {}
    rows = 0
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue  # blank lines are not rows
            rows += 1
            if rows > MAX_ROWS:
                raise RosterFileInvalid(f"the roster has more than {MAX_ROWS} rows")
            line = reader.line_num
            try:
                student = _student(row, index, len(header))
            except InvalidInput as problem:
                student_id = _cell(row, index["student_id"])
                shown_id = student_id if is_student_id(student_id) else ""
                bad.append(BadRow(line, problem.message, shown_id))
                continue
            first = seen.setdefault(student.student_id, line)
            if first != line:
                reason = f"student id {student.student_id!r} is on line {first} already"
                bad.append(BadRow(line, reason, student.student_id))
                continue
            students.append(student)
    except csv.Error as exc:
        raise RosterFileInvalid(f"line {reader.line_num} of the roster: {exc}") from None
    return RosterFile(tuple(students), tuple(bad), rows)


def _column_index(header: list[str], columns: RosterColumns) -> dict[str, int]:
    found = {name.strip().casefold(): i for i, name in enumerate(header)}
    index: dict[str, int] = {}
    for name in ROSTER_FIELDS:
        wanted = columns.header(name)
        if wanted.casefold() in found:
            index[name] = found[wanted.casefold()]
        elif name in REQUIRED:
            raise RosterFileInvalid(
                f"the roster has no column {wanted!r} (for {name}; set ROSTER_COLUMNS);"
                f" its columns are {', '.join(repr(h) for h in header)}"
            )
    return index


def _cell(row: list[str], at: int | None) -> str:
    return row[at].strip() if at is not None and at < len(row) else ""


def _student(row: list[str], index: dict[str, int], width: int) -> Student:
    if len(row) != width:
        raise InvalidInput(f"{len(row)} cells where the header has {width}")
    values = {name: _cell(row, at) for name, at in index.items()}
    for name in REQUIRED:
        if not values.get(name):
            raise InvalidInput(f"{name.replace('_', ' ')} is empty")
    for name, value in values.items():
        if len(value) > MAX_TEXT:
            raise InvalidInput(f"{name.replace('_', ' ')} is longer than {MAX_TEXT} characters")
    guardian = values.get("guardian_email", "")
    if guardian and not _ADDRESS.fullmatch(guardian):
        raise InvalidInput(f"guardian e-mail {guardian!r} is not an e-mail address")
    return Student(
        student_id=check_student_id(values["student_id"]),
        first_name=values["first_name"],
        last_name=values["last_name"],
        grade=normal_grade(values["grade"]),
        rt_user=values.get("rt_user", ""),
        guardian_email=guardian,
    )
