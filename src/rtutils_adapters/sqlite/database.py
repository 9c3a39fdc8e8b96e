"""What is SQLite's own: a file of ``WORKING_DIR`` (0600), WAL, the busy timeout, and
``BEGIN IMMEDIATE``, which takes the write lock before a change first reads.

SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, so every file
of a store stays the service's alone. pysqlite would start transactions itself (and not
for DDL); here every transaction is begun explicitly, as SQLAlchemy's SQLite notes show.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, Self

from sqlalchemy import Connection, Engine, create_engine, event, exc as sa_exc, text

from rtutils_adapters.sql.database import Database
from rtutils_adapters.sql.prepared import Prepared
from rtutils_core.errors import BackendUnavailable, ConfigError

FILE_MODE = 0o600
DEFAULT_BUSY_TIMEOUT = 10.0
_BEGIN = "rtutils_begin"  # the execution option naming how a transaction begins


def _is_busy(exc: BaseException) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


class SqliteFile(Database):
    """One SQLite file shared by the threads and processes of this machine.

    A change (``BEGIN IMMEDIATE``) waits up to ``busy_timeout`` seconds for another writer;
    a read (``BEGIN DEFERRED``) reads one snapshot and never waits for writers.
    """

    def __init__(
        self, path: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, what: str = "database"
    ) -> None:
        self.path = Path(path)
        super().__init__(f"the {what} {self.path}", busy_timeout)
        self._writers, self._writers_pid = threading.Lock(), os.getpid()
        try:
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE))
        except OSError as exc:
            raise BackendUnavailable(f"{self.where} cannot be used: {exc}") from None
        self._enable_wal()

    def _create_engine(self) -> Engine:
        engine = create_engine(
            f"sqlite:///{self.path}",
            connect_args={"timeout": self.wait},
            pool_size=4,
            max_overflow=60,
        )
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        return engine

    @contextmanager
    def _writer(self, write: bool) -> Iterator[None]:
        """SQLite has one writer: the threads of this process take turns here, in order,
        rather than in SQLite's busy handler, which polls with growing sleeps."""
        if not write:
            yield
            return
        with self._guard:
            if self._writers_pid != os.getpid():  # a lock inherited through fork() may be held
                self._writers, self._writers_pid = threading.Lock(), os.getpid()
            writers = self._writers
        if not writers.acquire(timeout=self.wait):
            raise BackendUnavailable(
                f"{self.where} is busy: another writer held it for more than {self.wait:g} s;"
                " nothing was changed, try again"
            )
        try:
            yield
        finally:
            writers.release()

    def _connect(self, engine: Engine, write: bool) -> Connection:
        mode = "IMMEDIATE" if write else "DEFERRED"
        return engine.connect().execution_options(**{_BEGIN: mode})

    def is_busy(self, exc: sa_exc.DBAPIError) -> bool:
        return isinstance(exc.orig, sqlite3.OperationalError) and _is_busy(exc.orig)

    # -- the markers of builds before Alembic ---------------------------------------------

    def legacy_version(self, conn: Connection, component: str) -> int:
        found = int(conn.execute(text("PRAGMA user_version")).scalar_one())
        table = conn.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
        ).first()
        if table is None:
            return found
        row = conn.execute(
            text("SELECT version FROM schema_version WHERE component = :c"), {"c": component}
        ).first()
        return max(found, int(row[0]) if row else 0)

    def record_version(self, conn: Connection, component: str, version: int) -> None:
        conn.execute(
            text(
                "CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY,"
                " version INTEGER NOT NULL, applied_at TEXT NOT NULL)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO schema_version (component, version, applied_at)"
                " VALUES (:c, :v, datetime('now')) ON CONFLICT (component) DO UPDATE"
                " SET version = excluded.version, applied_at = excluded.applied_at"
                " WHERE version <> excluded.version"
            ),
            {"c": component, "v": version},
        )
        conn.execute(text(f"PRAGMA user_version = {int(version)}"))

    def _enable_wal(self) -> None:
        """Readers go on while a writer works. SQLite answers "locked" at once here (no busy
        handler covers the switch), which processes opening a new file together hit; so wait
        here, up to the busy timeout."""
        deadline = time.monotonic() + self.wait
        while True:
            try:
                raw = sqlite3.connect(self.path, timeout=self.wait, isolation_level=None)
                try:
                    mode = str(raw.execute("PRAGMA journal_mode = WAL").fetchone()[0])
                finally:
                    raw.close()
                break
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise BackendUnavailable(f"{self.where} cannot be used: {exc}") from None
            time.sleep(0.01)
        if mode != "wal":
            raise ConfigError(
                f"{self.where} cannot use write-ahead logging (journal mode {mode!r});"
                " WORKING_DIR must be on a local file system"
            )


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # no implicit BEGIN: _on_begin says it
    # A committed change survives a power cut, not only a crash of the process.
    dbapi_connection.execute("PRAGMA synchronous = FULL")


_BEGINS = {mode: Prepared(text(f"BEGIN {mode}")) for mode in ("DEFERRED", "IMMEDIATE")}


def _on_begin(conn: Connection) -> None:
    _BEGINS[conn.get_execution_options().get(_BEGIN, "DEFERRED")].run(conn)


class InWorkingDir:
    """What a store in a SQLite file of ``WORKING_DIR`` adds to the store written once: its
    file (``FILE_NAME``, named ``WHAT`` in messages) and :meth:`in_dir`.

    A writer waits up to ``busy_timeout`` seconds for another one to finish; past that the
    change fails with :class:`~rtutils_core.errors.BackendUnavailable`, nothing changed.
    """

    FILE_NAME: ClassVar[str]
    WHAT: ClassVar[str]

    def __init__(
        self, path: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT, **options: Any
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        database = SqliteFile(self.path, busy_timeout=busy_timeout, what=self.WHAT)
        super().__init__(database, **options)  # type: ignore[call-arg]

    @classmethod
    def in_dir(cls, working_dir: Path, **options: Any) -> Self:
        """The store of a working directory (``WORKING_DIR``)."""
        return cls(Path(working_dir) / cls.FILE_NAME, **options)
