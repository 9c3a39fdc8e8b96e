"""The student roster, written once for SQLite and PostgreSQL (it names students)."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
from sqlalchemy import delete, insert, select

from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.errors import BackendUnavailable, RtutilsError, StudentNotFound
from rtutils_core.students import Student

students = table(
    "students",
    "student_id first_name last_name grade rt_user user_id user_name guardian_email",
    key="student_id",
    numbers="user_id",
)
#: The tables of the roster, in the order a copy fills them.
TABLES = (students,)


def _refused(exc: Exception) -> RtutilsError:
    return BackendUnavailable(f"the roster refused a change: {exc}; nothing was changed")


class SqlRoster(SqlStore):
    """The :class:`~rtutils_core.students.ports.Roster` in a :class:`Database`."""

    COMPONENT = "roster"

    def students(self) -> Sequence[Student]:
        with self._db.transaction(write=False) as tx:
            rows = tx.execute(select(students).order_by(students.c.student_id))
            return [Student(*row) for row in rows]

    def get(self, student_id: str) -> Student:
        with self._db.transaction(write=False) as tx:
            row = tx.execute(select(students).where(students.c.student_id == student_id)).first()
        if row is None:
            raise StudentNotFound(f"there is no student {student_id!r}")
        return Student(*row)

    def apply(self, upserts: Sequence[Student], removals: Sequence[str] = ()) -> None:
        """Add or replace ``upserts`` and remove ``removals``, in one transaction."""
        ids = [s.student_id for s in upserts] + list(removals)
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock_tables(tx, [students.name])
            if ids:
                tx.execute(delete(students).where(students.c.student_id.in_(ids)))
            if upserts:
                tx.execute(insert(students), [attrs.asdict(s) for s in upserts])
