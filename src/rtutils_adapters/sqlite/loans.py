"""The loan log in ``loans.sqlite3`` in ``WORKING_DIR`` (readable by its owner only: it names
students); its tables and statements are ``rtutils_adapters/sql/loans.py``."""

from __future__ import annotations

from rtutils_adapters.sql.loans import SqlLoanLog
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "loans.sqlite3"


class SqliteLoanLog(InWorkingDir, SqlLoanLog):
    """The loan log and its manual check-ins in one SQLite file (mode 0600)."""

    FILE_NAME = FILE_NAME
    WHAT = "loan log"
