"""The intake store in ``intake.sqlite3`` in ``WORKING_DIR``; its tables and statements are
``rtutils_adapters/sql/intake.py``."""

from __future__ import annotations

from rtutils_adapters.sql.intake import SqlIntakeStore
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "intake.sqlite3"


class SqliteIntakeStore(InWorkingDir, SqlIntakeStore):
    """Intake's keys and claims in one SQLite file; share it between threads and processes."""

    FILE_NAME = FILE_NAME
    WHAT = "intake database"
