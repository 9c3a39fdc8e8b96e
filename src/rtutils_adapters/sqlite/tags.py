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
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import attrs

from rtutils_adapters.sqlite.files import private_file
from rtutils_adapters.sqlite.schema import EVENT_COLUMNS, SCHEMA, event_of
from rtutils_core.errors import BackendUnavailable, ConfigError, TagConflict
from rtutils_core.event_query import NEWEST, EventQuery
from rtutils_core.ports import Outcome, Reservation, TagEvent
from rtutils_core.sequences import LIVE, OPEN
from rtutils_core.tag_ledger import Entry, LedgerTransaction, TagLedger

FILE_NAME = "tags.sqlite3"
SCHEMA_VERSION = 1
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
    """

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

    def _enable_wal(self, db: sqlite3.Connection) -> str:
        """Switch the file to WAL and return the journal mode it is in now.

        SQLite answers "locked" at once here instead of waiting (no busy handler for this
        lock), which processes or threads opening a new file together hit; so wait here, up
        to the same busy timeout.
        """
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                return str(db.execute("PRAGMA journal_mode = WAL").fetchone()[0])
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() >= deadline:
                    raise self._unusable(exc) from None
            except sqlite3.Error as exc:
                raise self._unusable(exc) from None
            time.sleep(0.01)

    def _create(self) -> None:
        db = self._db()
        mode = self._enable_wal(db)
        if mode != "wal":
            raise ConfigError(
                f"the tag database {self.path} cannot use write-ahead logging (journal mode"
                f" {mode!r}); WORKING_DIR must be on a local file system"
            )
        with self._sql() as tx:
            version = tx.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ConfigError(
                    f"the tag database {self.path} was written by a newer version (schema"
                    f" {version}, this one knows {SCHEMA_VERSION}); refusing to touch it"
                )
            for statement in filter(str.strip, SCHEMA.split(";")):
                tx.execute(statement)
            tx.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self, write: bool) -> Iterator[LedgerTransaction]:
        with self._sql("IMMEDIATE" if write else "DEFERRED") as tx:
            yield _SqliteTransaction(tx, self._clock)

    # -- reading the log -------------------------------------------------------------------

    def events(self, query: EventQuery = NEWEST) -> Sequence[TagEvent]:
        conditions: list[str] = []
        params: list[object] = []
        for column, op, value in (
            ("tag", "=", query.tag),
            ("asset_id", "=", query.asset_id),
            ("at", ">=", _stamp(query.since) if query.since else None),
            ("at", "<=", _stamp(query.until) if query.until else None),
        ):
            if value is not None:
                conditions.append(f"{column} {op} ?")
                params.append(value)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        params.append(-1 if query.limit is None else query.limit)
        with self._sql("DEFERRED") as tx:
            # Only fixed column names are pasted in; every value is a parameter.
            sql = f"SELECT {EVENT_COLUMNS} FROM events {where} ORDER BY id DESC LIMIT ?"  # noqa: S608
            rows = tx.execute(sql, params).fetchall()
        return [event_of(row) for row in rows]


class _SqliteTransaction:
    """The reads and writes of one transaction, for the core's rules (TagLedger)."""

    def __init__(self, tx: sqlite3.Connection, clock: Callable[[], datetime]) -> None:
        self.tx = tx
        self.clock = clock

    def stored_next(self, prefix: str) -> int:
        sql = "SELECT next_number FROM sequences WHERE prefix = ?"
        row = self.tx.execute(sql, (prefix,)).fetchone()
        return int(row[0]) if row else 1

    def store_next(self, prefix: str, number: int) -> None:
        self.tx.execute(
            "INSERT INTO sequences (prefix, next_number) VALUES (?, ?)"
            " ON CONFLICT (prefix) DO UPDATE SET next_number = excluded.next_number",
            (prefix, number),
        )

    def is_taken(self, prefix: str, number: int) -> bool:
        sql = "SELECT 1 FROM tags WHERE prefix = ? AND number = ?"
        return self.tx.execute(sql, (prefix, number)).fetchone() is not None

    def held(self, prefix: str, asset_id: int) -> Reservation | None:
        row = self.tx.execute(
            "SELECT number, tag, reserved_by, state FROM tags"
            " WHERE prefix = ? AND asset_id = ? AND state IN (?, ?)",
            (prefix, asset_id, *LIVE),
        ).fetchone()
        if row is None:
            return None
        number, tag, reserved_by, state = row
        return Reservation(prefix, number, tag, asset_id, False, reserved_by, state)

    def holder(self, prefix: str, number: int) -> tuple[str | None, int | None]:
        sql = "SELECT state, asset_id FROM tags WHERE prefix = ? AND number = ?"
        row = self.tx.execute(sql, (prefix, number)).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def add(self, reservation: Reservation) -> None:
        res = reservation
        self.tx.execute(
            "INSERT INTO tags (prefix, number, tag, asset_id, state, reserved_by)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (res.prefix, res.number, res.tag, res.asset_id, OPEN, res.reserved_by),
        )

    def set_state(self, reservation: Reservation, state: Outcome) -> None:
        self.tx.execute(
            "UPDATE tags SET state = ? WHERE prefix = ? AND number = ?",
            (state, reservation.prefix, reservation.number),
        )

    def highest(self, prefix: str) -> int:
        sql = "SELECT MAX(number) FROM tags WHERE prefix = ?"
        return int(self.tx.execute(sql, (prefix,)).fetchone()[0] or 0)

    def log(self, entry: Entry) -> None:
        self.tx.execute(
            "INSERT INTO events (at, state, prefix, number, tag, asset_id, actor, request_id,"
            " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_stamp(self.clock()), *attrs.astuple(entry)),
        )
