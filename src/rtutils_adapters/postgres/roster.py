"""The student roster in PostgreSQL (``STORE_URL``), shared by any number of instances."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from rtutils_adapters.postgres.component import PostgresComponent
from rtutils_adapters.roster_tables import ALL, COLUMNS, one_student, student_row
from rtutils_adapters.schema_versions import Migration, split_statements as _split
from rtutils_core.errors import BackendUnavailable, RtutilsError
from rtutils_core.students import Student

COMPONENT = "roster"
_V1 = """
CREATE TABLE students (
    student_id text PRIMARY KEY,
    first_name text NOT NULL,
    last_name  text NOT NULL,
    grade      text NOT NULL,
    rt_user    text NOT NULL,
    user_id    bigint,
    user_name  text NOT NULL
)
"""
#: The roster's schema, oldest first; append new migrations, never change an applied one.
MIGRATIONS: tuple[Migration, ...] = (Migration(1, _split(_V1)),)
#: Its table and columns, in the order a copy from SQLite fills them.
TABLES = {"students": COLUMNS}
IDENTITIES: dict[str, str] = {}


def _refused(exc: psycopg.Error) -> RtutilsError:
    return BackendUnavailable(f"the roster refused a change: {exc}; nothing was changed")


class PostgresRoster(PostgresComponent):
    """The :class:`~rtutils_core.students.ports.Roster` in PostgreSQL; opening upgrades it."""

    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    def students(self) -> Sequence[Student]:
        with self._db.transaction(_refused) as tx:
            return [Student(*row) for row in tx.execute(ALL).fetchall()]

    def get(self, student_id: str) -> Student:
        with self._db.transaction(_refused) as tx:
            return one_student(tx, student_id, "%s")

    def apply(self, upserts: Sequence[Student], removals: Sequence[str] = ()) -> None:
        with self._db.transaction(_refused) as tx, tx.cursor() as cursor:
            if upserts:
                cursor.executemany(
                    "INSERT INTO students (student_id, first_name, last_name, grade, rt_user,"
                    " user_id, user_name) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                    " ON CONFLICT (student_id) DO UPDATE SET first_name = excluded.first_name,"
                    " last_name = excluded.last_name, grade = excluded.grade,"
                    " rt_user = excluded.rt_user, user_id = excluded.user_id,"
                    " user_name = excluded.user_name",
                    [student_row(s) for s in upserts],
                )
            if removals:
                cursor.execute("DELETE FROM students WHERE student_id = ANY(%s)", (list(removals),))
