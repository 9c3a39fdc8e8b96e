"""Print jobs in ``print-jobs.sqlite3`` in ``WORKING_DIR`` (readable by the service user
only); their table and statements are ``rtutils_adapters/sql/print_jobs.py``."""

from __future__ import annotations

from rtutils_adapters.sql.print_jobs import SqlPrintJobStore
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "print-jobs.sqlite3"


class SqlitePrintJobStore(InWorkingDir, SqlPrintJobStore):
    """Print jobs in one SQLite file, shared safely between threads and processes."""

    FILE_NAME = FILE_NAME
    WHAT = "print job database"
