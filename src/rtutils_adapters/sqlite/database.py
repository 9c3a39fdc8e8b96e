"""One SQLite file shared by threads and processes: connections, transactions, the schema.

Each thread gets its own connection (and a forked child a fresh one); every change runs in a
``BEGIN IMMEDIATE`` transaction, which takes the write lock before it reads. The file is
created readable by its owner only, since what it holds (job parameters and results) may
name people; SQLite gives its ``-wal`` and ``-shm`` files the same mode.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rtutils_adapters.sqlite.tables import apply_schema
from rtutils_core.errors import BackendUnavailable, ConfigError

FILE_MODE = 0o600

#: Brings a file's tables up to date inside the write transaction it is given.
Upgrade = Callable[[sqlite3.Connection], None]


class SqliteDatabase:
    """A SQLite file in WAL mode with a versioned schema, usable from many threads.

    ``schema`` is either the file's tables as SQL, kept at ``version`` in ``PRAGMA
    user_version``, or an :data:`Upgrade` that applies the file's migrations itself.
    """

    def __init__(
        self,
        path: Path,
        schema: str | Upgrade,
        version: int = 0,
        *,
        busy_timeout: float,
        what: str = "database",
        integrity: Callable[[sqlite3.IntegrityError], Exception] | None = None,
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self.what = what  # how messages name the file: "the tag database ..."
        self._integrity = integrity
        self._local = threading.local()
        self._open_file()
        self._migrate(schema, version)

    def _open_file(self) -> None:
        try:
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE))
        except OSError as exc:
            raise BackendUnavailable(f"the {self.what} {self.path} cannot be used: {exc}") from None

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (a fresh one after fork: never use the parent's)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.inherited = getattr(local, "db", None)  # kept open: closing drops its locks
            try:
                local.db = sqlite3.connect(
                    self.path, timeout=self.busy_timeout, isolation_level=None
                )
            except sqlite3.Error as exc:
                raise self.unusable(exc) from None
            local.db.execute("PRAGMA synchronous = FULL")
            local.pid = os.getpid()
        db: sqlite3.Connection = local.db
        return db

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None and getattr(self._local, "pid", None) == os.getpid():
            db.close()
            del self._local.db, self._local.pid

    def unusable(self, exc: sqlite3.Error) -> BackendUnavailable:
        """The error to raise for a failure of SQLite itself."""
        if "locked" in str(exc) or "busy" in str(exc):
            return BackendUnavailable(
                f"the {self.what} {self.path} is busy: another writer held it for more than"
                f" {self.busy_timeout:g} s; nothing was changed, try again"
            )
        return BackendUnavailable(f"the {self.what} {self.path} cannot be used: {exc}")

    @contextmanager
    def transaction(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
        """One transaction: IMMEDIATE for changes, DEFERRED for a consistent read."""
        db = self.connection()
        try:
            db.execute(f"BEGIN {mode}")
        except sqlite3.Error as exc:
            raise self.unusable(exc) from None
        try:
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.IntegrityError) and self._integrity is not None:
                # The schema caught something the code should have: refuse, change nothing.
                raise self._integrity(exc) from exc
            if isinstance(exc, sqlite3.Error):
                raise self.unusable(exc) from exc
            raise

    def _migrate(self, schema: str | Upgrade, version: int) -> None:
        self._enable_wal()
        with self.transaction() as tx:
            if callable(schema):
                schema(tx)
            else:
                apply_schema(tx, schema, version, f"the {self.what} {self.path}")

    def _enable_wal(self) -> None:
        """Readers go on while a writer works. SQLite answers "locked" at once here (no busy
        handler covers the switch), which processes opening a new file together hit; so wait
        here, up to the busy timeout."""
        db = self.connection()
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                mode = str(db.execute("PRAGMA journal_mode = WAL").fetchone()[0])
                break
            except sqlite3.OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() >= deadline:
                    raise self.unusable(exc) from None
            time.sleep(0.01)
        if mode != "wal":
            raise ConfigError(
                f"the {self.what} {self.path} cannot use write-ahead logging (journal mode"
                f" {mode!r}); WORKING_DIR must be on a local file system"
            )
