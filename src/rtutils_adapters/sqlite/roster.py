"""The student roster in a SQLite file in ``WORKING_DIR`` (mode 0600: it names students)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from rtutils_adapters.roster_tables import ALL, one_student, student_row
from rtutils_adapters.sqlite.database import SqliteDatabase
from rtutils_core.errors import BackendUnavailable
from rtutils_core.students import Student

FILE_NAME = "students.sqlite3"
SCHEMA_VERSION = 1
DEFAULT_BUSY_TIMEOUT = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS students (
    student_id TEXT PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name  TEXT NOT NULL,
    grade      TEXT NOT NULL,
    rt_user    TEXT NOT NULL,
    user_id    INTEGER,
    user_name  TEXT NOT NULL
)
"""


def _refused(exc: sqlite3.IntegrityError) -> Exception:
    return BackendUnavailable(f"the roster refused a change: {exc}; nothing was changed")


class SqliteRoster:
    """The :class:`~rtutils_core.students.ports.Roster` in one SQLite file."""

    def __init__(self, path: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self._db = SqliteDatabase(
            Path(path),
            _SCHEMA,
            SCHEMA_VERSION,
            busy_timeout=busy_timeout,
            what="roster",
            integrity=_refused,
        )
        self.path = self._db.path

    @classmethod
    def in_dir(cls, working_dir: Path) -> SqliteRoster:
        """The roster of a working directory (``WORKING_DIR``)."""
        return cls(Path(working_dir) / FILE_NAME)

    def __repr__(self) -> str:
        return f"SqliteRoster({str(self.path)!r})"

    def students(self) -> Sequence[Student]:
        with self._db.transaction("DEFERRED") as tx:
            rows = tx.execute(ALL)
            return [Student(*row) for row in rows]

    def get(self, student_id: str) -> Student:
        with self._db.transaction("DEFERRED") as tx:
            return one_student(tx, student_id)

    def apply(self, upserts: Sequence[Student], removals: Sequence[str] = ()) -> None:
        with self._db.transaction() as tx:
            tx.executemany(
                "INSERT OR REPLACE INTO students (student_id, first_name, last_name, grade,"
                " rt_user, user_id, user_name) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [student_row(s) for s in upserts],
            )
            tx.executemany("DELETE FROM students WHERE student_id = ?", [(i,) for i in removals])

    def close(self) -> None:
        self._db.close()
