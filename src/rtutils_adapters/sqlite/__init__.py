"""SQLite adapters: the tag store, the loan log, print jobs, intake and the desk's sessions."""

from rtutils_adapters.sqlite.intake import SqliteIntakeStore
from rtutils_adapters.sqlite.loans import SqliteLoanLog
from rtutils_adapters.sqlite.new_asset_tags import SqliteNewAssetTagStore
from rtutils_adapters.sqlite.print_jobs import SqlitePrintJobStore
from rtutils_adapters.sqlite.sessions import SqliteSessionStore
from rtutils_adapters.sqlite.tags import SqliteTagStore

__all__ = [
    "SqliteIntakeStore",
    "SqliteLoanLog",
    "SqliteNewAssetTagStore",
    "SqlitePrintJobStore",
    "SqliteSessionStore",
    "SqliteTagStore",
]
