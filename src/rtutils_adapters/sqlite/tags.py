"""The tag store in ``tags.sqlite3`` in ``WORKING_DIR``; its tables and statements are
``rtutils_adapters/sql/tags.py``.

Every change is one ``BEGIN IMMEDIATE`` transaction: it takes SQLite's write lock before it
reads, so two processes can never both read the same next number. WAL lets readers (the
preview, the event log) go on while a writer works; ``synchronous=FULL`` makes a committed
reservation survive a power cut, not only a crash of the process.
"""

from __future__ import annotations

from rtutils_adapters.sql.tags import SqlTagStore
from rtutils_adapters.sqlite.database import InWorkingDir

FILE_NAME = "tags.sqlite3"


class SqliteTagStore(InWorkingDir, SqlTagStore):
    """Tag sequences and the event log in one SQLite file; share it between processes freely."""

    FILE_NAME = FILE_NAME
    WHAT = "tag database"
