"""SQLite adapters: the durable tag store and the intake store."""

from rtutils_adapters.sqlite.intake import SqliteIntakeStore
from rtutils_adapters.sqlite.new_asset_tags import SqliteNewAssetTagStore
from rtutils_adapters.sqlite.tags import SqliteTagStore

__all__ = ["SqliteIntakeStore", "SqliteNewAssetTagStore", "SqliteTagStore"]
