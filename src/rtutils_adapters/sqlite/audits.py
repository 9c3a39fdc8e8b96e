"""The audit store in ``audits.sqlite3`` in ``WORKING_DIR``; its tables and statements are
``rtutils_adapters/sql/audits.py``."""

from __future__ import annotations

from rtutils_adapters.sql.audits import SqlAuditStore
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "audits.sqlite3"


class SqliteAuditStore(InWorkingDir, SqlAuditStore):
    """Audits, their scans and their log in one SQLite file (mode 0600)."""

    FILE_NAME = FILE_NAME
    WHAT = "audit store"
