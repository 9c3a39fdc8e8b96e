"""The notice log in ``notices.sqlite3`` in ``WORKING_DIR`` (mode 0600: it names people and
their addresses); its table and statements are ``rtutils_adapters/sql/notices.py``."""

from __future__ import annotations

from rtutils_adapters.sql.notices import SqlNoticeLog
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "notices.sqlite3"


class SqliteNoticeLog(InWorkingDir, SqlNoticeLog):
    """The notice log in one SQLite file, shared by the web service and the job workers."""

    FILE_NAME = FILE_NAME
    WHAT = "notice log"
