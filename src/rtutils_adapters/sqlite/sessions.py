"""The desk's sessions in ``sessions.sqlite3`` in ``WORKING_DIR``, honoured by this
instance's processes; the table and statements are ``rtutils_adapters/sql/sessions.py``."""

from __future__ import annotations

from rtutils_adapters.sql.sessions import SqlSessionStore
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "sessions.sqlite3"


class SqliteSessionStore(InWorkingDir, SqlSessionStore):
    """Live sessions in one SQLite file, shared by the threads and processes of a service."""

    FILE_NAME = FILE_NAME
    WHAT = "session database"
