"""The tag store in a SQLite file in ``WORKING_DIR``.

Every change is one ``BEGIN IMMEDIATE`` transaction: it takes SQLite's write lock before it
reads, so two processes can never both read the same next number. The rules themselves are
in ``rtutils_adapters.sql_tag_store``, shared with PostgreSQL. WAL lets readers (preview,
the event log) go on while a writer works; ``synchronous=FULL`` makes a committed
reservation survive a power cut, not only a crash of the process.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rtutils_adapters.schema_versions import Migration, SchemaChange
from rtutils_adapters.sql_tag_store import SqlTagStore, utc_now
from rtutils_adapters.sqlite import schema
from rtutils_core.errors import BackendUnavailable, ConfigError, TagConflict

FILE_NAME = "tags.sqlite3"
DEFAULT_BUSY_TIMEOUT = 10.0


def _is_busy(exc: sqlite3.Error) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _stamp(moment: datetime) -> str:
    # One fixed width in UTC, so text order is time order and range filters use the index.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class SqliteTagStore(SqlTagStore):
    """Tag sequences and the event log in one SQLite file; share it between processes freely.

    Each thread gets its own connection (a connection is never used across threads or
    processes). A writer waits up to ``busy_timeout`` seconds for another one to finish; past
    that the operation fails with :class:`BackendUnavailable` and nothing is changed.

    Opening it applies the pending schema ``MIGRATIONS`` (``schema_change`` says what it did)
    and refuses a file from a newer version (:class:`~rtutils_core.errors.SchemaTooNew`).
    """

    MIGRATIONS: tuple[Migration, ...] = schema.MIGRATIONS
    NO_LIMIT = -1
    schema_change: SchemaChange

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._clock = clock
        self._local = threading.local()
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
    def _transaction(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
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

    def _reading(self) -> AbstractContextManager[sqlite3.Connection]:
        return self._transaction("DEFERRED")

    @contextmanager
    def _writing(self, prefix: str) -> Iterator[tuple[sqlite3.Connection, int]]:
        # The write lock is the whole file's: every change waits for the one before it.
        with self._transaction() as tx:
            yield tx, self._stored_next(tx, prefix)

    def _time_in(self, moment: datetime) -> object:
        return _stamp(moment)

    def _time_out(self, stored: str) -> datetime:
        return datetime.fromisoformat(stored)

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
        with self._transaction() as tx:
            self.schema_change = schema.upgrade(tx, str(self.path), self.MIGRATIONS)
