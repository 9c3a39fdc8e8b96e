"""Choosing and looking after the stores: open them, upgrade their schemas, copy them.

The service keeps its state in SQLite in ``WORKING_DIR`` unless ``STORE_URL`` names a
PostgreSQL database (``postgresql://...``), which several instances can share: the tag
store, the loan log, the intake store, the job state, the print jobs, the roster, the
audits, the notice log, the outbox, the desk's sign-in sessions and (unless Redis keeps
them) the throttle's counts of failed credentials, all on one pool
(:func:`store_connections`). The CLI's ``db upgrade`` and ``db copy`` call
:func:`upgrade_stores` and :func:`copy_stores`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from attrs import frozen

from rtutils_adapters.postgres import (
    PostgresIntakeStore,
    PostgresJobStore,
    PostgresLoanLog,
    PostgresPrintJobStore,
    PostgresSessionStore,
    PostgresTagStore,
)
from rtutils_adapters.postgres.audits import PostgresAuditStore
from rtutils_adapters.postgres.connection import Connections
from rtutils_adapters.postgres.import_files import PostgresImportFiles
from rtutils_adapters.postgres.notices import PostgresNoticeLog
from rtutils_adapters.postgres.outbox import PostgresOutbox
from rtutils_adapters.postgres.roster import PostgresRoster
from rtutils_adapters.postgres.throttle import PostgresThrottleCounts
from rtutils_adapters.schema_versions import SchemaChange
from rtutils_adapters.sqlite import (
    SqliteIntakeStore,
    SqliteLoanLog,
    SqliteNewAssetTagStore,
    SqlitePrintJobStore,
    SqliteSessionStore,
    SqliteTagStore,
)
from rtutils_adapters.sqlite.audits import SqliteAuditStore
from rtutils_adapters.sqlite.import_files import ImportFileFolder
from rtutils_adapters.sqlite.jobs import SqliteJobStore
from rtutils_adapters.sqlite.notices import SqliteNoticeLog
from rtutils_adapters.sqlite.outbox import SqliteOutbox
from rtutils_adapters.sqlite.roster import SqliteRoster
from rtutils_adapters.sqlite.tags import FILE_NAME
from rtutils_adapters.store_components import (
    ComponentCopy,
    copy_components,
    prepare_copy,
    upgrade_components,
)
from rtutils_core.audits.ports import AuditStore
from rtutils_core.due.ports import NoticeLog
from rtutils_core.errors import BackendError, ConfigError
from rtutils_core.intake.ports import IntakeStore
from rtutils_core.jobs.ports import JobStore
from rtutils_core.loans.ports import LoanLog
from rtutils_core.printing.ports import PrintJobStore
from rtutils_core.students.ports import Roster
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.ports import TagEvent

SCHEMES = ("postgresql://", "postgres://")
_Sqlite = TypeVar("_Sqlite")
_Postgres = TypeVar("_Postgres")


def store_connections(
    store_url: str | None, *, password: str = "", pool_size: int = 4
) -> Connections | None:
    """The pool every PostgreSQL store of a process shares, or None without ``store_url``
    (SQLite then). Nothing connects before a store first needs it."""
    if not store_url:
        return None
    return Connections(_checked(store_url), password=password, pool_size=pool_size)


def open_tag_store(
    store_url: str | None,
    working_dir: Path,
    *,
    password: str = "",
    pool_size: int = 4,
    connections: Connections | None = None,
) -> SqliteNewAssetTagStore | PostgresTagStore:
    """PostgreSQL at ``store_url`` (on the shared ``connections`` when given), else the
    SQLite file in ``working_dir``. Either can hold numbers for assets about to be created
    (a :class:`~rtutils_core.intake.ports.NewAssetTagStore`).

    Either is brought to the current schema on opening (see ``schema_versions``).
    """
    if connections is not None:
        return PostgresTagStore(connections)
    if not store_url:
        return SqliteNewAssetTagStore.in_dir(working_dir)
    return PostgresTagStore(_checked(store_url), password=password, pool_size=pool_size)


def open_loan_log(connections: Connections | None, working_dir: Path) -> LoanLog:
    """The loan log in PostgreSQL on ``connections``, else in its SQLite file."""
    return _opened(SqliteLoanLog.in_dir, PostgresLoanLog, connections, working_dir)


def open_intake_store(connections: Connections | None, working_dir: Path) -> IntakeStore:
    """The intake store in PostgreSQL on ``connections``, else in its SQLite file."""
    return _opened(SqliteIntakeStore.in_dir, PostgresIntakeStore, connections, working_dir)


def open_job_store(connections: Connections | None, working_dir: Path) -> JobStore:
    """The job state in PostgreSQL on ``connections``, else in its SQLite file (the queue
    itself stays with the job library, ``JOBS_QUEUE``)."""
    return _opened(SqliteJobStore.in_dir, PostgresJobStore, connections, working_dir)


def open_print_job_store(connections: Connections | None, working_dir: Path) -> PrintJobStore:
    """The print jobs in PostgreSQL on ``connections``, else in their SQLite file."""
    return _opened(SqlitePrintJobStore.in_dir, PostgresPrintJobStore, connections, working_dir)


def open_roster(connections: Connections | None, working_dir: Path) -> Roster:
    """The student roster in PostgreSQL on ``connections``, else in its SQLite file."""
    return _opened(SqliteRoster.in_dir, PostgresRoster, connections, working_dir)


def open_audit_store(connections: Connections | None, working_dir: Path) -> AuditStore:
    """The audit store in PostgreSQL on ``connections``, else in its SQLite file."""
    return _opened(SqliteAuditStore.in_dir, PostgresAuditStore, connections, working_dir)


def open_notice_log(connections: Connections | None, working_dir: Path) -> NoticeLog:
    """The notice log in PostgreSQL on ``connections``, else in its SQLite file."""
    return _opened(SqliteNoticeLog.in_dir, PostgresNoticeLog, connections, working_dir)


def open_outbox(
    connections: Connections | None, working_dir: Path
) -> SqliteOutbox | PostgresOutbox:
    """The outbox and the assets last seen, in PostgreSQL on ``connections`` (shared by
    every instance), else in their SQLite file."""
    return _opened(SqliteOutbox.in_dir, PostgresOutbox, connections, working_dir)


def open_session_store(
    connections: Connections | None, working_dir: Path
) -> SqliteSessionStore | PostgresSessionStore:
    """The desk's sign-in sessions in PostgreSQL on ``connections`` (honoured by every
    instance on it), else in their SQLite file (honoured by this instance only)."""
    return _opened(SqliteSessionStore.in_dir, PostgresSessionStore, connections, working_dir)


def open_import_files(
    connections: Connections | None, working_dir: Path
) -> ImportFileFolder | PostgresImportFiles:
    """CSV imports' files in PostgreSQL on ``connections`` (any instance's worker can resume
    any import), else in ``WORKING_DIR/imports``."""
    return _opened(ImportFileFolder.in_dir, PostgresImportFiles, connections, working_dir)


def _opened(
    sqlite: Callable[[Path], _Sqlite],
    postgres: Callable[[Connections], _Postgres],
    connections: Connections | None,
    working_dir: Path,
) -> _Sqlite | _Postgres:
    """A store: in PostgreSQL on ``connections``, else in ``working_dir`` (SQLite, files)."""
    return sqlite(working_dir) if connections is None else postgres(connections)


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


def upgrade_stores(
    store_url: str | None, working_dir: Path, *, password: str = ""
) -> list[SchemaChange]:
    """Apply pending schema migrations to every store (the tag store first); say what
    changed in each. Raises :class:`~rtutils_core.errors.SchemaTooNew` (or, for an older
    SQLite file of a store without a version table, a ``ConfigError``) for a newer schema.
    """
    changes = [upgrade_tag_store(store_url, working_dir, password=password)]
    db = store_connections(store_url, password=password)
    try:
        changes += upgrade_components(db, working_dir)
        if db is not None:  # in PostgreSQL only: never copied, see copy_stores
            changes.append(PostgresSessionStore(db).schema_change)
            changes.append(PostgresImportFiles(db).schema_change)
            changes.append(PostgresThrottleCounts(db).schema_change)
        return changes
    finally:
        if db is not None:
            db.close()


def copy_stores(
    working_dir: Path, store_url: str, *, password: str = ""
) -> tuple[CopyReport, list[ComponentCopy]]:
    """Copy the tag store (:func:`copy_tag_store`), then every other store that has a
    SQLite file in ``working_dir`` (in one transaction, checked by counts and highest ids)
    into the empty PostgreSQL at ``store_url``. Stop the service first.

    The throttle's counts are not copied: they are about the last minute, and without
    ``STORE_URL`` they were kept in memory, not in ``working_dir``."""
    db = store_connections(store_url, password=password)
    if db is None:
        raise ConfigError("db copy needs STORE_URL: the PostgreSQL database to copy into")
    try:
        prepare_copy(working_dir, db)  # refuses before the tags are copied, not after
        tags = copy_tag_store(working_dir, store_url, password=password)
        return tags, copy_components(working_dir, db)
    finally:
        db.close()


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
