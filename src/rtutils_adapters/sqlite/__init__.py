"""SQLite adapters: the durable tag store, the desk's live sessions and the intake store."""

from rtutils_adapters.sqlite.intake import SqliteIntakeStore
from rtutils_adapters.sqlite.new_asset_tags import SqliteNewAssetTagStore
from rtutils_adapters.sqlite.sessions import SqliteSessionStore
from rtutils_adapters.sqlite.tags import SqliteTagStore

__all__ = ["SqliteIntakeStore", "SqliteNewAssetTagStore", "SqliteSessionStore", "SqliteTagStore"]
