"""The stores besides the tag store, as one list: each one's SQLite file and PostgreSQL
tables, so that they can be opened, upgraded and copied alike.

The tag store has its own copy with more checks (``stores.copy_tag_store``); every other
store is copied table by table here: rows as the SQLite file holds them, written with
PostgreSQL's COPY into the empty tables of the component, identity columns continued after
the copied ids, and checked after the commit by the row count of every table and the
highest id of every table that has one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from attrs import frozen

from rtutils_adapters.postgres import (
    intake as pg_intake,
    jobs as pg_jobs,
    loans as pg_loans,
    print_jobs as pg_print_jobs,
    roster as pg_roster,
)
from rtutils_adapters.postgres.component import PostgresComponent
from rtutils_adapters.postgres.connection import Connections
from rtutils_adapters.schema_versions import SchemaChange
from rtutils_adapters.sqlite import intake, jobs, loans, print_jobs, roster
from rtutils_core.errors import BackendError, ConfigError


@frozen
class Component:
    """One store: its SQLite file in ``WORKING_DIR`` and its PostgreSQL class and tables."""

    name: str
    file_name: str
    sqlite_version: int
    open_sqlite: Callable[[Path], Any]  # the SQLite store of a working directory
    postgres: type[PostgresComponent]
    tables: dict[str, str]  # table -> columns, in the order a copy fills them
    identities: dict[str, str]  # table -> its identity column, if it has one


COMPONENTS: tuple[Component, ...] = (
    Component(
        "loans",
        loans.FILE_NAME,
        loans.SCHEMA_VERSION,
        loans.SqliteLoanLog.in_dir,
        pg_loans.PostgresLoanLog,
        pg_loans.TABLES,
        pg_loans.IDENTITIES,
    ),
    Component(
        "intake",
        intake.FILE_NAME,
        intake.SCHEMA_VERSION,
        intake.SqliteIntakeStore.in_dir,
        pg_intake.PostgresIntakeStore,
        pg_intake.TABLES,
        pg_intake.IDENTITIES,
    ),
    Component(
        "jobs",
        jobs.FILE_NAME,
        jobs.SCHEMA_VERSION,
        jobs.SqliteJobStore.in_dir,
        pg_jobs.PostgresJobStore,
        pg_jobs.TABLES,
        pg_jobs.IDENTITIES,
    ),
    Component(
        "print_jobs",
        print_jobs.FILE_NAME,
        print_jobs.SCHEMA_VERSION,
        print_jobs.SqlitePrintJobStore.in_dir,
        pg_print_jobs.PostgresPrintJobStore,
        pg_print_jobs.TABLES,
        pg_print_jobs.IDENTITIES,
    ),
    Component(
        "roster",
        roster.FILE_NAME,
        roster.SCHEMA_VERSION,
        roster.SqliteRoster.in_dir,
        pg_roster.PostgresRoster,
        pg_roster.TABLES,
        pg_roster.IDENTITIES,
    ),
)


def _close(store: Any) -> None:
    close = getattr(store, "close", None)
    if close is not None:
        close()


def _file_version(path: Path) -> int:
    if not path.is_file():
        return 0
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def upgrade_components(db: Connections | None, working_dir: Path) -> list[SchemaChange]:
    """Bring every store's schema up to date: in PostgreSQL when ``db`` is given, else in
    its SQLite file in ``working_dir`` (created if missing). A newer schema is refused."""
    changes = []
    for part in COMPONENTS:
        if db is not None:
            changes.append(part.postgres(db).schema_change)
            continue
        before = _file_version(Path(working_dir) / part.file_name)
        _close(part.open_sqlite(Path(working_dir)))
        changes.append(SchemaChange(part.name, before, part.sqlite_version))
    return changes


@frozen
class ComponentCopy:
    """What a copy of one store moved, as checked in PostgreSQL after the commit."""

    component: str
    counts: dict[str, int]  # rows per table, equal on both sides
    last_ids: dict[str, int]  # the highest id of each table with one, equal on both sides


def _read(path: Path, part: Component) -> dict[str, list[Sequence[Any]]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        # One read transaction: the tables agree with each other.
        db.execute("BEGIN")
        return {
            table: db.execute(f"SELECT {columns} FROM {table}").fetchall()  # noqa: S608
            for table, columns in part.tables.items()
        }


def _measure(tx: Any, part: Component) -> tuple[dict[str, int], dict[str, int]]:
    # Only the fixed table and column names of the components are pasted in.
    counts = {t: int(tx.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in part.tables}  # noqa: S608
    last = {
        t: int(tx.execute(f"SELECT COALESCE(MAX({c}), 0) FROM {t}").fetchone()[0])  # noqa: S608
        for t, c in part.identities.items()
    }
    return counts, last


def _measure_sqlite(path: Path, part: Component) -> tuple[dict[str, int], dict[str, int]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        return _measure(db, part)


def copy_components(working_dir: Path, db: Connections) -> list[ComponentCopy]:
    """Copy every store that has a SQLite file in ``working_dir`` into PostgreSQL ``db``.

    All of them in one transaction, with their tables locked against other instances.
    Refuses (:class:`ConfigError`, nothing written) if any of their tables in PostgreSQL
    holds rows; after the commit each copy is checked (:class:`BackendError` if the counts
    or the highest ids differ). The SQLite files are left as they were, apart from a
    schema upgrade on opening.
    """
    present = prepare_copy(working_dir, db)
    rows = {p.name: _read(Path(working_dir) / p.file_name, p) for p in present}
    with db.transaction(_refused) as tx:
        tables = [t for p in present for t in p.tables]
        if tables:
            tx.execute(f"LOCK TABLE {', '.join(tables)} IN EXCLUSIVE MODE")
        _refuse_held(tx, present, db.where)
        for part in present:
            _write(tx, part, rows[part.name])
    return [_checked(working_dir, db, part) for part in present]


def _refused(exc: Exception) -> BackendError:
    return BackendError(f"PostgreSQL refused a copied row ({exc}); nothing was written")


def prepare_copy(working_dir: Path, db: Connections) -> list[Component]:
    """The stores with a SQLite file in ``working_dir``, each brought to the current schema
    on both sides; refuses (:class:`ConfigError`) if PostgreSQL holds any of their data."""
    present = [p for p in COMPONENTS if (Path(working_dir) / p.file_name).is_file()]
    for part in present:
        _close(part.open_sqlite(Path(working_dir)))
        _close(part.postgres(db))
    with db.transaction(_refused) as tx:
        _refuse_held(tx, present, db.where)
    return present


def _refuse_held(tx: Any, present: Sequence[Component], where: str) -> None:
    for part in present:
        held = {t: n for t, n in _measure(tx, part)[0].items() if n}
        if held:
            found = ", ".join(f"{n} {t}" for t, n in held.items())
            raise ConfigError(
                f"{where} holds {part.name} data already ({found}); copy only into an empty"
                " database, nothing was written"
            )


def _write(tx: Any, part: Component, rows: dict[str, list[Sequence[Any]]]) -> None:
    for table, columns in part.tables.items():
        # SQLite's ISO times and 0/1 flags are valid COPY input for the PostgreSQL columns.
        with tx.cursor().copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows[table]:
                copy.write_row(row)
    for table, column in part.identities.items():
        tx.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'),"  # noqa: S608
            f" COALESCE(max({column}), 1), max({column}) IS NOT NULL) FROM {table}"
        )


def _checked(working_dir: Path, db: Connections, part: Component) -> ComponentCopy:
    source = _measure_sqlite(Path(working_dir) / part.file_name, part)
    with db.transaction() as tx:
        copied = _measure(tx, part)
    if source != copied:
        raise BackendError(
            f"the copy of {part.name} in {db.where} does not match {part.file_name}: rows and"
            f" highest ids {copied} against {source}"
        )
    return ComponentCopy(part.name, *copied)
