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
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rtutils_core.errors import BackendUnavailable, ConfigError, TagConflict
from rtutils_core.ports import Outcome, Reservation, SequenceMove, TagEvent, TagEventState
from rtutils_core.sequences import LIVE, OPEN, check_set_next, describe_move, needs_record
from rtutils_core.tags import TagFormat

FILE_NAME = "tags.sqlite3"
SCHEMA_VERSION = 1
DEFAULT_BUSY_TIMEOUT = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sequences (
    prefix      TEXT PRIMARY KEY,
    next_number INTEGER NOT NULL CHECK (next_number >= 1)
);
CREATE TABLE IF NOT EXISTS tags (
    prefix      TEXT NOT NULL,
    number      INTEGER NOT NULL CHECK (number >= 1),
    tag         TEXT NOT NULL UNIQUE,
    asset_id    INTEGER NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('reserved', 'assigned', 'skipped', 'voided')),
    reserved_by TEXT NOT NULL,
    PRIMARY KEY (prefix, number)
);
CREATE UNIQUE INDEX IF NOT EXISTS tags_one_live_per_asset
    ON tags (prefix, asset_id) WHERE state IN ('reserved', 'assigned');
CREATE TABLE IF NOT EXISTS events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    number     INTEGER NOT NULL,
    tag        TEXT NOT NULL,
    state      TEXT NOT NULL,
    asset_id   INTEGER,
    actor      TEXT NOT NULL,
    request_id TEXT NOT NULL,
    detail     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_tag ON events (tag);
CREATE INDEX IF NOT EXISTS events_by_asset ON events (asset_id);
CREATE INDEX IF NOT EXISTS events_by_time ON events (at);
"""


_EVENT_COLUMNS = "id, at, prefix, number, tag, state, asset_id, actor, request_id, detail"


def _is_busy(exc: sqlite3.Error) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    # One fixed width in UTC, so text order is time order and range filters use the index.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class SqliteTagStore:
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
        with self._transaction() as tx:
            version = tx.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ConfigError(
                    f"the tag database {self.path} was written by a newer version (schema"
                    f" {version}, this one knows {SCHEMA_VERSION}); refusing to touch it"
                )
            for statement in filter(str.strip, _SCHEMA.split(";")):
                tx.execute(statement)
            tx.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # -- helpers inside a transaction ----------------------------------------------------

    def _log(
        self,
        tx: sqlite3.Connection,
        state: TagEventState,
        prefix: str,
        number: int,
        *,
        tag: str,
        asset_id: int | None,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> None:
        tx.execute(
            "INSERT INTO events (at, prefix, number, tag, state, asset_id, actor, request_id,"
            " detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _stamp(self._clock()),
                prefix,
                number,
                tag,
                state,
                asset_id,
                actor,
                request_id,
                detail,
            ),
        )

    @staticmethod
    def _stored_next(tx: sqlite3.Connection, prefix: str) -> int:
        row = tx.execute("SELECT next_number FROM sequences WHERE prefix = ?", (prefix,)).fetchone()
        return int(row[0]) if row else 1

    @staticmethod
    def _free_from(tx: sqlite3.Connection, prefix: str, number: int) -> int:
        taken = "SELECT 1 FROM tags WHERE prefix = ? AND number = ?"
        while tx.execute(taken, (prefix, number)).fetchone():
            number += 1
        return number

    @staticmethod
    def _store_next(tx: sqlite3.Connection, prefix: str, number: int) -> None:
        tx.execute(
            "INSERT INTO sequences (prefix, next_number) VALUES (?, ?)"
            " ON CONFLICT (prefix) DO UPDATE SET next_number = excluded.next_number",
            (prefix, number),
        )

    @staticmethod
    def _held(tx: sqlite3.Connection, prefix: str, asset_id: int) -> Reservation | None:
        row = tx.execute(
            "SELECT number, tag, reserved_by, state FROM tags"
            " WHERE prefix = ? AND asset_id = ? AND state IN (?, ?)",
            (prefix, asset_id, *LIVE),
        ).fetchone()
        if row is None:
            return None
        number, tag, reserved_by, state = row
        return Reservation(prefix, number, tag, asset_id, False, reserved_by, state)

    # -- the TagStore port ---------------------------------------------------------------

    def peek_next(self, prefix: str, after: int = 0) -> int:
        with self._transaction("DEFERRED") as tx:
            return self._free_from(tx, prefix, max(self._stored_next(tx, prefix), after + 1))

    def reservation_for(self, prefix: str, asset_id: int) -> Reservation | None:
        with self._transaction("DEFERRED") as tx:
            return self._held(tx, prefix, asset_id)

    def reserve(self, fmt: TagFormat, asset_id: int, *, actor: str, request_id: str) -> Reservation:
        with self._transaction() as tx:
            held = self._held(tx, fmt.prefix, asset_id)
            if held is not None:
                return held
            number = self._stored_next(tx, fmt.prefix)
            tag = str(fmt.sequence_tag(number))
            tx.execute(
                "INSERT INTO tags (prefix, number, tag, asset_id, state, reserved_by)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (fmt.prefix, number, tag, asset_id, OPEN, request_id),
            )
            self._store_next(tx, fmt.prefix, self._free_from(tx, fmt.prefix, number + 1))
            self._log(
                tx,
                "reserved",
                fmt.prefix,
                number,
                tag=tag,
                asset_id=asset_id,
                actor=actor,
                request_id=request_id,
            )
            return Reservation(fmt.prefix, number, tag, asset_id, reserved_by=request_id)

    def record(
        self,
        reservation: Reservation,
        state: Outcome,
        *,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> bool:
        res = reservation
        with self._transaction() as tx:
            where = (res.prefix, res.number)
            row = tx.execute(
                "SELECT state, asset_id FROM tags WHERE prefix = ? AND number = ?", where
            ).fetchone()
            now = (row[0], row[1]) if row else (None, None)
            if not needs_record(res, *now, outcome=state):
                return False
            if state != "failed":
                tx.execute(
                    "UPDATE tags SET state = ? WHERE prefix = ? AND number = ?", (state, *where)
                )
            self._log(
                tx,
                state,
                res.prefix,
                res.number,
                tag=res.tag,
                asset_id=res.asset_id,
                actor=actor,
                request_id=request_id,
                detail=detail,
            )
            return True

    def events(
        self,
        *,
        tag: str | None = None,
        asset_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int | None = 100,
    ) -> Sequence[TagEvent]:
        conditions: list[str] = []
        params: list[object] = []
        for column, op, value in (
            ("tag", "=", tag),
            ("asset_id", "=", asset_id),
            ("at", ">=", _stamp(since) if since else None),
            ("at", "<=", _stamp(until) if until else None),
        ):
            if value is not None:
                conditions.append(f"{column} {op} ?")
                params.append(value)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        params.append(-1 if limit is None else limit)
        with self._transaction("DEFERRED") as tx:
            # Only fixed column names are pasted in; every value is a parameter.
            query = f"SELECT {_EVENT_COLUMNS} FROM events {where} ORDER BY id DESC LIMIT ?"  # noqa: S608
            rows = tx.execute(query, params).fetchall()
        return [
            TagEvent(
                id=r[0],
                at=datetime.fromisoformat(r[1]),
                prefix=r[2],
                number=r[3],
                tag=r[4],
                state=r[5],
                asset_id=r[6],
                actor=r[7],
                request_id=r[8],
                detail=r[9],
            )
            for r in rows
        ]

    def highest_issued(self, prefix: str) -> int:
        with self._transaction("DEFERRED") as tx:
            return self._highest(tx, prefix)

    @staticmethod
    def _highest(tx: sqlite3.Connection, prefix: str) -> int:
        row = tx.execute("SELECT MAX(number) FROM tags WHERE prefix = ?", (prefix,)).fetchone()
        return int(row[0] or 0)

    def set_next(
        self,
        fmt: TagFormat,
        number: int,
        *,
        force: bool,
        actor: str,
        request_id: str,
        detail: str = "",
    ) -> SequenceMove:
        with self._transaction() as tx:
            check_set_next(fmt, number, self._highest(tx, fmt.prefix), force=force)
            return self._move(
                tx, fmt, number, "sequence-set", actor=actor, request_id=request_id, detail=detail
            )

    def raise_floor(
        self, fmt: TagFormat, number: int, *, actor: str, request_id: str, detail: str = ""
    ) -> SequenceMove:
        with self._transaction() as tx:
            before = self._stored_next(tx, fmt.prefix)
            if number <= before:
                return SequenceMove(fmt.prefix, before, before)
            return self._move(
                tx, fmt, number, "floor-raised", actor=actor, request_id=request_id, detail=detail
            )

    def _move(
        self,
        tx: sqlite3.Connection,
        fmt: TagFormat,
        number: int,
        state: TagEventState,
        *,
        actor: str,
        request_id: str,
        detail: str,
    ) -> SequenceMove:
        before = self._stored_next(tx, fmt.prefix)
        after = self._free_from(tx, fmt.prefix, number)
        self._store_next(tx, fmt.prefix, after)
        self._log(
            tx,
            state,
            fmt.prefix,
            after,
            tag="",
            asset_id=None,
            actor=actor,
            request_id=request_id,
            detail=describe_move(fmt, before, after, note=detail),
        )
        return SequenceMove(fmt.prefix, before, after)
