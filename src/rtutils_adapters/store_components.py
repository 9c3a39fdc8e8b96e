"""The stores besides the tag store, as one list: each one's SQLite class (its file in
``WORKING_DIR``), its PostgreSQL class and its tables, so that they can be opened, upgraded
and copied alike.

The tag store has its own copy with more checks (``stores.copy_tag_store``); every other
store is copied table by table here: rows as the SQLite file holds them, written into the
empty tables of the component in PostgreSQL, identity columns continued after the copied
ids, and checked after the commit by the row count of every table and the highest id of
every table that has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from attrs import frozen
from sqlalchemy import Connection, Table, func, insert, select

from rtutils_adapters.postgres import (
    PostgresIntakeStore,
    PostgresJobStore,
    PostgresLoanLog,
    PostgresPrintJobStore,
    roster as pg_roster,
)
from rtutils_adapters.postgres.audits import PostgresAuditStore
from rtutils_adapters.postgres.connection import Connections
from rtutils_adapters.postgres.notices import PostgresNoticeLog
from rtutils_adapters.postgres.outbox import PostgresOutbox
from rtutils_adapters.schema_versions import SchemaChange
from rtutils_adapters.sql import audits, intake, jobs, loans, notices, outbox, print_jobs, roster
from rtutils_adapters.sql.database import Database
from rtutils_adapters.sqlite import SqliteIntakeStore, SqliteLoanLog, SqlitePrintJobStore
from rtutils_adapters.sqlite.audits import SqliteAuditStore
from rtutils_adapters.sqlite.database import SqliteFile
from rtutils_adapters.sqlite.jobs import SqliteJobStore
from rtutils_adapters.sqlite.notices import SqliteNoticeLog
from rtutils_adapters.sqlite.outbox import SqliteOutbox
from rtutils_adapters.sqlite.roster import SqliteRoster
from rtutils_core.errors import BackendError, ConfigError


@frozen
class Component:
    """One store: its SQLite class (file in ``WORKING_DIR``), PostgreSQL class and tables."""

    name: str
    sqlite: Any  # the SQLite store class: FILE_NAME, in_dir()
    postgres: Any  # the PostgreSQL store class, opened on a Connections
    tables: tuple[Table, ...]  # in the order a copy fills them
    identities: dict[str, str]  # table -> its identity column, if it has one

    @property
    def file_name(self) -> str:
        return str(self.sqlite.FILE_NAME)


COMPONENTS: tuple[Component, ...] = (
    Component(
        "loans",
        SqliteLoanLog,
        PostgresLoanLog,
        loans.TABLES,
        {"loan_events": "id", "manual_checkins": "id"},
    ),
    Component(
        "intake", SqliteIntakeStore, PostgresIntakeStore, intake.TABLES, {"submissions": "id"}
    ),
    Component("jobs", SqliteJobStore, PostgresJobStore, jobs.TABLES, {"jobs": "seq"}),
    Component(
        "print_jobs",
        SqlitePrintJobStore,
        PostgresPrintJobStore,
        print_jobs.TABLES,
        {"print_jobs": "seq"},
    ),
    Component("roster", SqliteRoster, pg_roster.PostgresRoster, roster.TABLES, {}),
    Component(
        "audits",
        SqliteAuditStore,
        PostgresAuditStore,
        audits.TABLES,
        {"audits": "id", "audit_scans": "id", "audit_actions": "id"},
    ),
    Component("notices", SqliteNoticeLog, PostgresNoticeLog, notices.TABLES, {"notices": "id"}),
    Component("outbox", SqliteOutbox, PostgresOutbox, outbox.TABLES, {"outbox_operations": "id"}),
)


def upgrade_components(db: Connections | None, working_dir: Path) -> list[SchemaChange]:
    """Bring every store's schema up to date: in PostgreSQL when ``db`` is given, else in
    its SQLite file in ``working_dir`` (created if missing). A newer schema is refused."""
    changes = []
    for part in COMPONENTS:
        store = part.postgres(db) if db is not None else part.sqlite.in_dir(Path(working_dir))
        changes.append(store.schema_change)
        if db is None:
            store.close()
    return changes


@frozen
class ComponentCopy:
    """What a copy of one store moved, as checked in PostgreSQL after the commit."""

    component: str
    counts: dict[str, int]  # rows per table, equal on both sides
    last_ids: dict[str, int]  # the highest id of each table with one, equal on both sides


def _source(working_dir: Path, part: Component) -> SqliteFile:
    return SqliteFile(Path(working_dir) / part.file_name, what=f"{part.name} database")


def _read(db: Database, part: Component) -> dict[str, list[dict[str, Any]]]:
    # One read transaction: the tables agree with each other.
    with db.transaction(write=False) as tx:
        return {t.name: [dict(r._mapping) for r in tx.execute(select(t))] for t in part.tables}


def _measure(tx: Connection, part: Component) -> tuple[dict[str, int], dict[str, int]]:
    counts = {t.name: int(tx.scalar(select(func.count()).select_from(t)) or 0) for t in part.tables}
    tables = {t.name: t for t in part.tables}
    last = {
        name: int(tx.scalar(select(func.coalesce(func.max(tables[name].c[column]), 0))) or 0)
        for name, column in part.identities.items()
    }
    return counts, last


def copy_components(working_dir: Path, db: Connections) -> list[ComponentCopy]:
    """Copy every store that has a SQLite file in ``working_dir`` into PostgreSQL ``db``.

    All of them in one transaction, with their tables locked against other instances.
    Refuses (:class:`ConfigError`, nothing written) if any of their tables in PostgreSQL
    holds rows; after the commit each copy is checked (:class:`BackendError` if the counts
    or the highest ids differ). The SQLite files are left as they were, apart from a
    schema upgrade on opening.
    """
    present = prepare_copy(working_dir, db)
    sources = {p.name: _source(working_dir, p) for p in present}
    rows = {p.name: _read(sources[p.name], p) for p in present}
    with db.transaction(refused=_refused) as tx:
        tables = [t.name for p in present for t in p.tables]
        if tables:
            db.lock_tables(tx, tables)
        _refuse_held(tx, present, db.where)
        for part in present:
            _write(db, tx, part, rows[part.name])
    try:
        return [_checked(sources[part.name], db, part) for part in present]
    finally:
        for source in sources.values():
            source.close()


def _refused(exc: Exception) -> BackendError:
    return BackendError(f"PostgreSQL refused a copied row ({exc}); nothing was written")


def prepare_copy(working_dir: Path, db: Connections) -> list[Component]:
    """The stores with a SQLite file in ``working_dir``, each brought to the current schema
    on both sides; refuses (:class:`ConfigError`) if PostgreSQL holds any of their data."""
    present = [p for p in COMPONENTS if (Path(working_dir) / p.file_name).is_file()]
    for part in present:
        part.sqlite.in_dir(Path(working_dir)).close()
        part.postgres(db)
    with db.transaction(refused=_refused) as tx:
        _refuse_held(tx, present, db.where)
    return present


def _refuse_held(tx: Connection, present: Sequence[Component], where: str) -> None:
    for part in present:
        held = {t: n for t, n in _measure(tx, part)[0].items() if n}
        if held:
            found = ", ".join(f"{n} {t}" for t, n in held.items())
            raise ConfigError(
                f"{where} holds {part.name} data already ({found}); copy only into an empty"
                " database, nothing was written"
            )


def _write(db: Database, tx: Connection, part: Component, rows: dict[str, list[Any]]) -> None:
    for table in part.tables:
        if rows[table.name]:
            tx.execute(insert(table), rows[table.name])
    for name, column in part.identities.items():
        db.continue_identity(tx, name, column)


def _checked(source: Database, db: Connections, part: Component) -> ComponentCopy:
    with source.transaction(write=False) as tx:
        expected = _measure(tx, part)
    with db.transaction(write=False) as tx:
        copied = _measure(tx, part)
    if expected != copied:
        raise BackendError(
            f"the copy of {part.name} in {db.where} does not match {part.file_name}: rows and"
            f" highest ids {copied} against {expected}"
        )
    return ComponentCopy(part.name, *copied)
