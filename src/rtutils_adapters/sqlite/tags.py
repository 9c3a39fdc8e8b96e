"""The tag store in a SQLite file in ``WORKING_DIR``.

Every change is one ``BEGIN IMMEDIATE`` transaction: it takes SQLite's write lock before it
reads, so two processes can never both read the same next number. The database itself
refuses what must never happen: ``tag`` is UNIQUE, a number exists once per prefix, and an
asset holds at most one number per prefix that is not given up (a partial unique index). WAL lets
readers (preview, the event log) go on while a writer works; ``synchronous=FULL`` makes a
committed reservation survive a power cut, not only a crash of the process.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rtutils_adapters.schema_versions import Migration, SchemaChange
from rtutils_adapters.sqlite import schema
from rtutils_adapters.sqlite.files import private_file
from rtutils_adapters.tag_tables import (
    TABLES,
    SqlLedgerTransaction,
    event_of,
    events_select,
)
from rtutils_core.errors import BackendUnavailable, ConfigError, TagConflict
from rtutils_core.event_query import NEWEST, EventQuery
from rtutils_core.ports import TagEvent
from rtutils_core.tag_ledger import LedgerTransaction, TagLedger

FILE_NAME = "tags.sqlite3"
DEFAULT_BUSY_TIMEOUT = 10.0


def _is_busy(exc: sqlite3.Error) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    # One fixed width in UTC, so text order is time order and range filters use the index.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class SqliteTagStore(TagLedger):
    """Tag sequences and the event log in one SQLite file; share it between processes freely.

    Each thread gets its own connection (a connection is never used across threads or
    processes). A writer waits up to ``busy_timeout`` seconds for another one to finish; past
    that the operation fails with :class:`BackendUnavailable` and nothing is changed.

    Opening it applies the pending schema ``MIGRATIONS`` (``schema_change`` says what it did)
    and refuses a file from a newer version (:class:`~rtutils_core.errors.SchemaTooNew`).
    """

    MIGRATIONS: tuple[Migration, ...] = schema.MIGRATIONS
    schema_change: SchemaChange

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._clock = clock
        self._local = threading.local()
        with suppress(OSError):  # an unusable path is reported by _create, in its words
            private_file(self.path)
        self._create()

    @classmethod
    def in_dir(
        cls, working_dir: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT
    ) -> SqliteTagStore:
        """The store of a working directory (``WORKING_DIR``)."""
        return cls(Path(working_dir) / FILE_NAME, busy_timeout=busy_timeout)

    # -- connections and transactions ----------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        try:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._unusable(exc) from None
        db.execute("PRAGMA synchronous = FULL")
        return db

    def _db(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            # A connection inherited through fork() must not be used, nor closed: closing it
            # could drop the parent's locks. Keep it referenced and open a fresh one.
            local.inherited = getattr(local, "db", None)
            local.db = self._connect()
            local.pid = os.getpid()
        db: sqlite3.Connection = local.db
        return db

    def close(self) -> None:
        """Close this thread's connection (others close when their threads end)."""
        db = getattr(self._local, "db", None)
        if db is not None and getattr(self._local, "pid", None) == os.getpid():
            db.close()
            del self._local.db, self._local.pid

    def _unusable(self, exc: sqlite3.Error) -> BackendUnavailable:
        if _is_busy(exc):
            return BackendUnavailable(
                f"the tag database {self.path} is busy: another writer held it for more than"
                f" {self.busy_timeout:g} s; nothing was changed, try again"
            )
        return BackendUnavailable(f"the tag database {self.path} cannot be used: {exc}")

    @contextmanager
    def _sql(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """One transaction; IMMEDIATE takes the write lock first, DEFERRED is a snapshot read."""
        db = self._db()
        try:
            db.execute(f"BEGIN {mode}")
        except sqlite3.OperationalError as exc:
            raise self._unusable(exc) from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError):
                # The schema caught something the code should have: refuse, change nothing.
                raise TagConflict(f"the tag database refused a change: {exc}") from exc
            if isinstance(exc, sqlite3.Error):
                raise self._unusable(exc) from exc
            raise

    def _create(self) -> None:
        try:
            mode = schema.enable_wal(self._db(), self.busy_timeout)
        except sqlite3.Error as exc:
            raise self._unusable(exc) from None
        if mode != "wal":
            raise ConfigError(
                f"the tag database {self.path} cannot use write-ahead logging (journal mode"
                f" {mode!r}); WORKING_DIR must be on a local file system"
            )
        with self._sql() as tx:
            self.schema_change = schema.upgrade(tx, str(self.path), self.MIGRATIONS)

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[LedgerTransaction]:
        with self._sql("IMMEDIATE" if write else "DEFERRED") as tx:
            yield SqlLedgerTransaction(tx, self._clock, stamp=_stamp)

    # -- reading the log -------------------------------------------------------------------

    def events(self, query: EventQuery = NEWEST) -> Sequence[TagEvent]:
        sql, params = events_select(query, stamp=_stamp, no_limit=-1)
        with self._sql("DEFERRED") as tx:
            rows = tx.execute(sql, params).fetchall()
        return [event_of(row) for row in rows]

    # -- whole tables, for copying a store into another ----------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table (``sequences``, ``tags``, ``events``)."""
        with self._sql("DEFERRED") as tx:
            # Only the fixed table names are pasted in.
            return {t: int(tx.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in TABLES}  # noqa: S608

    def export_rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, read in one transaction; event times as datetimes."""
        with self._sql("DEFERRED") as tx:
            rows = {
                table: list(map(tuple, tx.execute(f"SELECT {columns} FROM {table}").fetchall()))  # noqa: S608
                for table, columns in TABLES.items()
            }
        rows["events"] = [(r[0], datetime.fromisoformat(r[1]), *r[2:]) for r in rows["events"]]
        return rows
