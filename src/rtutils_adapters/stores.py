"""Choosing and looking after the tag store: open it, upgrade its schema, copy it.

The service keeps its state in SQLite in ``WORKING_DIR`` unless ``STORE_URL`` names a
PostgreSQL database (``postgresql://...``), which several instances can share. The CLI's
``db upgrade`` and ``db copy`` call :func:`upgrade_tag_store` and :func:`copy_tag_store`.
"""

from __future__ import annotations

from pathlib import Path

from attrs import frozen

from rtutils_adapters.postgres import PostgresTagStore
from rtutils_adapters.schema_versions import SchemaChange
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_adapters.sqlite.new_asset_tags import SqliteNewAssetTagStore
from rtutils_adapters.sqlite.tags import FILE_NAME
from rtutils_core.errors import BackendError, ConfigError
from rtutils_core.event_query import EventQuery
from rtutils_core.ports import TagEvent

SCHEMES = ("postgresql://", "postgres://")


def open_tag_store(
    store_url: str | None, working_dir: Path, *, password: str = "", pool_size: int = 4
) -> SqliteTagStore | PostgresTagStore:
    """PostgreSQL at ``store_url`` if given, else the SQLite file in ``working_dir``.

    Either is brought to the current schema on opening (see ``schema_versions``).
    """
    if not store_url:
        return SqliteNewAssetTagStore.in_dir(working_dir)
    return PostgresTagStore(_checked(store_url), password=password, pool_size=pool_size)


def _checked(store_url: str) -> str:
    if not store_url.startswith(SCHEMES):
        raise ConfigError(
            "STORE_URL must be a PostgreSQL URL (postgresql://user@host/database); it starts"
            f" with {store_url.split(':', 1)[0]!r}"
        )
    return store_url


def upgrade_tag_store(
    store_url: str | None, working_dir: Path, *, password: str = ""
) -> SchemaChange:
    """Apply pending schema migrations to the configured store; say what changed.

    Raises :class:`~rtutils_core.errors.SchemaTooNew` for a database from a newer version.
    """
    store = open_tag_store(store_url, working_dir, password=password)
    store.close()
    return store.schema_change


@frozen
class CopyReport:
    """What a copy moved, as checked in the target after it committed."""

    counts: dict[str, int]  # rows per table, equal in source and target
    last_event: TagEvent | None


def copy_tag_store(working_dir: Path, store_url: str, *, password: str = "") -> CopyReport:
    """Copy the SQLite store of ``working_dir`` into the empty PostgreSQL at ``store_url``.

    Stop the service first: the copy is one snapshot of the file. It is written in one
    transaction, then checked: the row counts of every table and the last event must be
    the same on both sides, else :class:`~rtutils_core.errors.BackendError`. The SQLite
    file is left as it was (apart from a schema upgrade on opening).
    """
    if not store_url:
        raise ConfigError("db copy needs STORE_URL: the PostgreSQL database to copy into")
    if not (Path(working_dir) / FILE_NAME).is_file():
        raise ConfigError(f"there is no tag store to copy in {working_dir} (no {FILE_NAME})")
    target = PostgresTagStore(_checked(store_url), password=password)
    source = SqliteTagStore.in_dir(working_dir)
    try:
        target.import_rows(source.export_rows())
        counts, copied = source.counts(), target.counts()
        last, copied_last = source.events(EventQuery(limit=1)), target.events(EventQuery(limit=1))
        if counts != copied or list(last) != list(copied_last):
            raise BackendError(
                f"the copy in {target.where} does not match {source.path}: rows {copied} against"
                f" {counts}, last event {copied_last[:1]} against {last[:1]}"
            )
        return CopyReport(counts, last[0] if last else None)
    finally:
        source.close()
        target.close()
