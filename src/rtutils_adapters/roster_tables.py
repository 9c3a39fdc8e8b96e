"""The roster's table as SQLite and PostgreSQL both hold it: columns, rows, one read."""

from __future__ import annotations

from typing import Any

from rtutils_core.errors import StudentNotFound
from rtutils_core.students import Student

COLUMNS = "student_id, first_name, last_name, grade, rt_user, user_id, user_name"
ALL = f"SELECT {COLUMNS} FROM students ORDER BY student_id"  # noqa: S608 (fixed columns)


def student_row(s: Student) -> tuple[object, ...]:
    """The values of ``s`` in the order of :data:`COLUMNS`."""
    return (s.student_id, s.first_name, s.last_name, s.grade, s.rt_user, s.user_id, s.user_name)


def one_student(tx: Any, student_id: str, param: str = "?") -> Student:
    """The student ``student_id`` read in transaction ``tx`` (``param``: the driver's marker)."""
    sql = f"SELECT {COLUMNS} FROM students WHERE student_id = {param}"  # noqa: S608
    row = tx.execute(sql, (student_id,)).fetchone()
    if row is None:
        raise StudentNotFound(f"there is no student {student_id!r}")
    return Student(*row)
