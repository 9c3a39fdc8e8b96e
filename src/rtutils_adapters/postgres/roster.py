"""The student roster in PostgreSQL (``STORE_URL``), shared by any number of instances."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from rtutils_adapters.postgres import schema
from rtutils_adapters.postgres.connection import DEFAULT_POOL_SIZE, Connections
from rtutils_adapters.roster_tables import ALL, one_student, student_row
from rtutils_adapters.schema_versions import Migration, SchemaChange
from rtutils_adapters.schema_versions import split_statements as _split
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


class PostgresRoster:
    """The :class:`~rtutils_core.student_ports.Roster` in PostgreSQL; opening upgrades it."""

    schema_change: SchemaChange

    def __init__(
        self, conninfo: str, *, pool_size: int = DEFAULT_POOL_SIZE, password: str = ""
    ) -> None:
        self._db = Connections(conninfo, pool_size=pool_size, password=password)
        self.where = self._db.where
        with self._db.connect() as db:
            try:
                self.schema_change = schema.upgrade(db, self.where, MIGRATIONS, COMPONENT)
            except psycopg.Error as exc:
                raise self._db.unusable(exc) from exc

    def close(self) -> None:
        """Close this process's connections."""
        self._db.close()

    def students(self) -> Sequence[Student]:
        with self._db.transaction() as tx:
            rows = tx.execute(ALL)
            return [Student(*row) for row in rows.fetchall()]

    def get(self, student_id: str) -> Student:
        with self._db.transaction() as tx:
            return one_student(tx, student_id, "%s")

    def apply(self, upserts: Sequence[Student], removals: Sequence[str] = ()) -> None:
        with self._db.transaction() as tx, tx.cursor() as cursor:
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
