"""The job store in ``jobs.sqlite3`` in ``WORKING_DIR`` (mode 0600); its tables and
statements are ``rtutils_adapters/sql/jobs.py``."""

from __future__ import annotations

from rtutils_adapters.sql.jobs import SqlJobStore
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "jobs.sqlite3"


class SqliteJobStore(InWorkingDir, SqlJobStore):
    """Job records in one SQLite file; share it between threads and processes freely."""

    FILE_NAME = FILE_NAME
    WHAT = "job database"
