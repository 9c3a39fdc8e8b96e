"""The intake store in a SQLite file in ``WORKING_DIR``: keys, serial claims, internal names.

The database refuses what must never happen: a key, a serial and an internal name (folded
to lower case) each belong to one submission (UNIQUE). Every change is one ``BEGIN
IMMEDIATE`` transaction, so two processes receiving the same serial at once cannot both
claim it. Submission ids come from AUTOINCREMENT, never reused, since a submission's tag is
held for the stand-in id made from it. The file is created readable by its owner only.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from attrs import evolve

from rtutils_adapters.sqlite.files import private_file
from rtutils_core.errors import BackendUnavailable, ConfigError, InvalidInput
from rtutils_core.intake.ports import Submission

FILE_NAME = "intake.sqlite3"
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    key           TEXT NOT NULL UNIQUE,
    serial        TEXT NOT NULL UNIQUE,
    fingerprint   TEXT NOT NULL,
    opened_at     TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'created')),
    asset_id      INTEGER,
    tag           TEXT NOT NULL DEFAULT '',
    internal_name TEXT NOT NULL DEFAULT '',
    busy_until    TEXT,
    busy_by       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS names (
    folded     TEXT PRIMARY KEY,
    submission INTEGER NOT NULL REFERENCES submissions (id)
);
CREATE INDEX IF NOT EXISTS names_by_submission ON names (submission);
"""

_COLUMNS = (
    "id, key, serial, fingerprint, opened_at, state, asset_id, tag, internal_name, busy_until"
)


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _owner() -> str:
    """Who holds a lease: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _is_alive(owner: str) -> bool:
    """False only for a process of this host that is gone: a killed import's leases end
    with it, so a second run can go on at once instead of waiting for them to run out."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _row_to_submission(row: tuple[object, ...]) -> Submission:
    sid, key, serial, fingerprint, opened_at, state, asset_id, tag, name, busy = row
    return Submission(
        id=int(str(sid)),
        key=str(key),
        serial=str(serial),
        fingerprint=str(fingerprint),
        opened_at=datetime.fromisoformat(str(opened_at)),
        state="created" if state == "created" else "pending",
        asset_id=None if asset_id is None else int(str(asset_id)),
        tag=str(tag),
        internal_name=str(name),
        busy_until=None if busy is None else datetime.fromisoformat(str(busy)),
    )


class SqliteIntakeStore:
    """Intake's keys and claims in one SQLite file; share it between threads and processes."""

    def __init__(
        self, path: Path, *, busy_timeout: float = 10.0, clock: Callable[[], datetime] = _now
    ) -> None:
        self.path = Path(path)
        self.busy_timeout = busy_timeout
        self._clock = clock
        self._local = threading.local()
        if not self.path.exists():
            private_file(self.path)
        self._use_wal()
        with self._transaction() as tx:
            version = tx.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ConfigError(
                    f"the intake database {self.path} was written by a newer version (schema"
                    f" {version}); refusing to touch it"
                )
            for statement in filter(str.strip, _SCHEMA.split(";")):
                tx.execute(statement)
            tx.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _use_wal(self) -> None:
        """Readers go on while a writer works. SQLite answers "locked" at once (no busy
        handler) when processes open a new file together, so wait up to the busy timeout."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                self._db().execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise BackendUnavailable(f"the intake database {self.path}: {exc}") from None
            time.sleep(0.01)

    @classmethod
    def in_dir(cls, working_dir: Path) -> SqliteIntakeStore:
        """The store of a working directory (``WORKING_DIR``)."""
        return cls(Path(working_dir) / FILE_NAME)

    def _db(self) -> sqlite3.Connection:
        # One connection per thread and process: sqlite3 connections are not shared.
        if getattr(self._local, "pid", None) != os.getpid():
            try:
                db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
            except sqlite3.Error as exc:
                raise BackendUnavailable(f"the intake database {self.path}: {exc}") from None
            db.execute("PRAGMA synchronous = FULL")
            self._local.db, self._local.pid = db, os.getpid()
        conn: sqlite3.Connection = self._local.db
        return conn

    @contextmanager
    def _transaction(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
        db = self._db()
        try:
            db.execute(f"BEGIN {mode}")
            yield db
            db.execute("COMMIT")
        except BaseException as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise BackendUnavailable(
                    f"the intake database {self.path} cannot be used now ({exc}); nothing was"
                    " changed, try again"
                ) from exc
            raise

    @staticmethod
    def _find(tx: sqlite3.Connection, column: str, value: object) -> Submission | None:
        # Only fixed column names are pasted in; the value is a parameter.
        query = f"SELECT {_COLUMNS} FROM submissions WHERE {column} = ?"  # noqa: S608
        row = tx.execute(query, (value,)).fetchone()
        return _row_to_submission(row) if row else None

    def _mine(self, tx: sqlite3.Connection, key: str) -> Submission:
        sub = self._find(tx, "key", key)
        if sub is None:
            raise InvalidInput(f"no submission under the key {key!r}")
        return sub

    # -- the IntakeStore port ------------------------------------------------------------

    def open(self, key: str, serial: str, fingerprint: str, *, lease: float) -> Submission:
        moment = self._clock().astimezone(UTC)
        now = _stamp(moment)
        until = _stamp(moment + timedelta(seconds=lease))
        with self._transaction() as tx:
            mine = self._find(tx, "key", key)
            if mine is not None:
                if mine.is_created:
                    return mine
                if self._is_leased(tx, mine, moment):
                    return evolve(mine, in_progress=True)
                tx.execute(
                    "UPDATE submissions SET opened_at = ?, busy_until = ?, busy_by = ?"
                    " WHERE id = ?",
                    (now, until, _owner(), mine.id),
                )
                return self._mine(tx, key)
            holder = self._find(tx, "serial", serial)
            if holder is not None:
                return holder
            tx.execute(
                "INSERT INTO submissions (key, serial, fingerprint, opened_at, state,"
                " busy_until, busy_by) VALUES (?, ?, ?, ?, 'pending', ?, ?)",
                (key, serial, fingerprint, now, until, _owner()),
            )
            return self._mine(tx, key)

    @staticmethod
    def _is_leased(tx: sqlite3.Connection, sub: Submission, moment: datetime) -> bool:
        """Whether another caller's lease on ``sub`` still runs (and its process lives)."""
        if sub.busy_until is None or sub.busy_until <= moment:
            return False
        row = tx.execute("SELECT busy_by FROM submissions WHERE id = ?", (sub.id,)).fetchone()
        return _is_alive(str(row[0]) if row else "")

    def release(self, key: str) -> None:
        with self._transaction() as tx:
            tx.execute(
                "UPDATE submissions SET busy_until = NULL WHERE key = ? AND state = 'pending'",
                (key,),
            )

    def get(self, key: str) -> Submission | None:
        with self._transaction("DEFERRED") as tx:
            return self._find(tx, "key", key)

    def claim_name(self, key: str, name: str) -> bool:
        with self._transaction() as tx:
            sub = self._mine(tx, key)
            row = tx.execute(
                "SELECT submission FROM names WHERE folded = ?", (name.casefold(),)
            ).fetchone()
            if row is not None and row[0] != sub.id:
                return False
            tx.execute("DELETE FROM names WHERE submission = ?", (sub.id,))
            tx.execute(
                "INSERT INTO names (folded, submission) VALUES (?, ?)", (name.casefold(), sub.id)
            )
            tx.execute("UPDATE submissions SET internal_name = ? WHERE id = ?", (name, sub.id))
            return True

    def release_name(self, key: str, name: str) -> None:
        with self._transaction() as tx:
            sub = self._find(tx, "key", key)
            if sub is None:
                return
            tx.execute(
                "DELETE FROM names WHERE folded = ? AND submission = ?", (name.casefold(), sub.id)
            )
            if sub.internal_name.casefold() == name.casefold():
                tx.execute("UPDATE submissions SET internal_name = '' WHERE id = ?", (sub.id,))

    def mark_created(self, key: str, asset_id: int, tag: str, internal_name: str) -> Submission:
        with self._transaction() as tx:
            sub = self._mine(tx, key)
            if sub.is_created and sub.asset_id != asset_id:
                raise InvalidInput(f"the submission {key!r} became asset {sub.asset_id} already")
            tx.execute(
                "UPDATE submissions SET state = 'created', asset_id = ?, tag = ?,"
                " internal_name = ?, busy_until = NULL WHERE id = ?",
                (asset_id, tag, internal_name, sub.id),
            )
            tx.execute(
                "INSERT OR IGNORE INTO names (folded, submission) VALUES (?, ?)",
                (internal_name.casefold(), sub.id),
            )
            return self._mine(tx, key)

    def abandon(self, key: str) -> None:
        with self._transaction() as tx:
            sub = self._find(tx, "key", key)
            if sub is None or sub.is_created:
                return
            tx.execute("DELETE FROM names WHERE submission = ?", (sub.id,))
            tx.execute("DELETE FROM submissions WHERE id = ?", (sub.id,))

    def close(self) -> None:
        """Close this thread's connection."""
        db = getattr(self._local, "db", None)
        if db is not None and getattr(self._local, "pid", None) == os.getpid():
            db.close()
            del self._local.db, self._local.pid
