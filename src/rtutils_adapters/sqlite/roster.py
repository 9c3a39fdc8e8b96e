"""The student roster in ``students.sqlite3`` in ``WORKING_DIR`` (mode 0600: it names
students); its table and statements are ``rtutils_adapters/sql/roster.py``."""

from __future__ import annotations

from rtutils_adapters.sql.roster import SqlRoster
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "students.sqlite3"


class SqliteRoster(InWorkingDir, SqlRoster):
    """The roster in one SQLite file."""

    FILE_NAME = FILE_NAME
    WHAT = "roster"
