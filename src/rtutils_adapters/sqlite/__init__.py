"""SQLite adapters: the tag store, the loan log, print jobs and the desk's live sessions."""

from rtutils_adapters.sqlite.loans import SqliteLoanLog
from rtutils_adapters.sqlite.print_jobs import SqlitePrintJobStore
from rtutils_adapters.sqlite.sessions import SqliteSessionStore
from rtutils_adapters.sqlite.tags import SqliteTagStore

__all__ = ["SqliteLoanLog", "SqlitePrintJobStore", "SqliteSessionStore", "SqliteTagStore"]
