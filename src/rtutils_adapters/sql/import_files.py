"""CSV imports' files in the database: each upload and its result file in one row of
``import_files``, readable by every instance's worker (the files of ``WORKING_DIR`` are
one machine's). A result is written in one statement, so a reader never sees half of one.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import delete, insert, select, update

from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.clock import utc_now
from rtutils_core.errors import InvalidInput, NotFound

NAME = re.compile(r"[0-9a-f]{32}")
import_files = table("import_files", "name kept upload result", key="name", times="kept")


def _checked(name: str) -> str:
    if not NAME.fullmatch(name):
        raise InvalidInput(f"{name!r} names no import file")
    return name


class SqlImportFiles(SqlStore):
    """An :class:`~rtutils_core.imports.ports.ImportFiles` in a :class:`Database`."""

    COMPONENT = "imports"

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        super().__init__(db)

    def keep(self, text: str) -> str:
        name = uuid.uuid4().hex
        with self._db.transaction() as tx:
            tx.execute(insert(import_files).values(name=name, kept=self._clock(), upload=text))
        return name

    def read(self, name: str) -> str:
        with self._db.transaction(write=False) as tx:
            found = tx.scalar(
                select(import_files.c.upload).where(import_files.c.name == _checked(name))
            )
        if found is None:
            raise NotFound(f"the import file {name} is no longer in {self.where}")
        return str(found)

    def write_result(self, name: str, chunks: Iterable[str]) -> None:
        text = "".join(chunks)
        with self._db.transaction() as tx:
            tx.execute(
                update(import_files)
                .where(import_files.c.name == _checked(name))
                .values(result=text)
            )

    def result(self, name: str) -> str | None:
        with self._db.transaction(write=False) as tx:
            found = tx.scalar(
                select(import_files.c.result).where(import_files.c.name == _checked(name))
            )
        return None if found is None else str(found)

    def forget_before(self, moment: datetime) -> int:
        with self._db.transaction() as tx:
            return int(
                tx.execute(delete(import_files).where(import_files.c.kept < moment)).rowcount
            )
