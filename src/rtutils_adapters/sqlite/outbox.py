"""The outbox and the assets last seen in ``outbox.sqlite3`` in ``WORKING_DIR`` (mode 0600:
it names students); its tables and statements are ``rtutils_adapters/sql/outbox.py``."""

from __future__ import annotations

from rtutils_adapters.sql.outbox import SqlOutbox
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "outbox.sqlite3"


class SqliteOutbox(InWorkingDir, SqlOutbox):
    """The outbox in one SQLite file; share it between threads and processes freely."""

    FILE_NAME = FILE_NAME
    WHAT = "outbox"
