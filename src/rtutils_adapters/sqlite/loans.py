"""The loan log in a SQLite file in ``WORKING_DIR`` (readable by its owner only: it names students).

Each operation opens its own connection and runs one transaction, so threads and processes
(and forks) share the file safely. The database refuses the same change recorded twice:
an action on an asset is UNIQUE per asset version it was written against.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from rtutils_adapters.sqlite.manual_checkins import SqliteManualCheckIns
from rtutils_core.errors import BackendUnavailable, ConfigError, LoanConflict, LoanNotFound
from rtutils_core.loans import LoanEntry, LoanEvent, LoanFilter

FILE_NAME = "loans.sqlite3"
SCHEMA_VERSION = 2
DEFAULT_BUSY_TIMEOUT = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS loan_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    action       TEXT NOT NULL CHECK (action IN ('check-out', 'check-in')),
    asset_id     INTEGER NOT NULL,
    tag          TEXT NOT NULL,
    person       TEXT NOT NULL,
    person_key   TEXT NOT NULL,
    operator     TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    based_on     TEXT NOT NULL,
    condition    TEXT CHECK (condition IS NULL OR condition IN ('ok', 'damaged')),
    damages      TEXT NOT NULL,
    note         TEXT NOT NULL,
    ticket_id    INTEGER,
    ticket_error TEXT NOT NULL,
    due          TEXT,
    forced       INTEGER NOT NULL,
    UNIQUE (action, asset_id, based_on)
);
CREATE INDEX IF NOT EXISTS loan_events_by_time ON loan_events (at);
CREATE INDEX IF NOT EXISTS loan_events_by_asset ON loan_events (asset_id);
CREATE INDEX IF NOT EXISTS loan_events_by_person ON loan_events (person_key);
-- Version 2: the manual check-ins (no device, lost, paid for) and the entries undoing them.
CREATE TABLE IF NOT EXISTS manual_checkins (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('no-device', 'lost', 'paid', 'undo')),
    student_id TEXT NOT NULL,
    person     TEXT NOT NULL,
    reason     TEXT NOT NULL,
    operator   TEXT NOT NULL,
    request_id TEXT NOT NULL,
    asset_id   INTEGER,
    tag        TEXT NOT NULL,
    undoes     INTEGER UNIQUE REFERENCES manual_checkins (id),
    CHECK ((kind = 'undo') = (undoes IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS manual_checkins_by_time ON manual_checkins (at)
"""

_COLUMNS = (
    "id, at, action, asset_id, tag, person, operator, request_id, based_on, condition,"
    " damages, note, ticket_id, ticket_error, due, forced"
)


def _now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    # One fixed width in UTC, so text order is time order and range filters use the index.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class SqliteLoanLog(SqliteManualCheckIns):
    """The :class:`~rtutils_core.loans.ports.LoanLog` in one SQLite file (mode 0600)."""

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
        self._create()

    @classmethod
    def in_dir(cls, working_dir: Path) -> SqliteLoanLog:
        """The loan log of a working directory (``WORKING_DIR``)."""
        return cls(Path(working_dir) / FILE_NAME)

    def __repr__(self) -> str:
        return f"SqliteLoanLog({str(self.path)!r})"

    def _create(self) -> None:
        try:
            # Created private before SQLite opens it; its -wal and -shm files copy the mode.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        except OSError as exc:
            raise ConfigError(f"the loan log {self.path} cannot be created: {exc}") from None
        self._enable_wal()
        with self._transaction() as tx:
            version = tx.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise ConfigError(
                    f"the loan log {self.path} was written by a newer version (schema"
                    f" {version}, this one knows {SCHEMA_VERSION}); refusing to touch it"
                )
            for statement in filter(str.strip, _SCHEMA.split(";")):
                tx.execute(statement)
            tx.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _enable_wal(self) -> None:
        """Readers go on while a writer works; SQLite answers "locked" here without waiting."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                with closing(sqlite3.connect(self.path, timeout=self.busy_timeout)) as db:
                    mode = str(db.execute("PRAGMA journal_mode = WAL").fetchone()[0])
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() >= deadline:
                    raise BackendUnavailable(f"the loan log {self.path}: {exc}") from None
                time.sleep(0.01)
        if mode != "wal":
            raise ConfigError(
                f"the loan log {self.path} cannot use write-ahead logging (journal mode"
                f" {mode!r}); WORKING_DIR must be on a local file system"
            )

    @contextmanager
    def _transaction(self, mode: str = "IMMEDIATE") -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        except sqlite3.Error as exc:
            raise BackendUnavailable(f"the loan log {self.path} cannot be used: {exc}") from None
        with closing(db):
            try:
                db.execute("PRAGMA synchronous = FULL")
                db.execute(f"BEGIN {mode}")
                yield db
                db.execute("COMMIT")
            except sqlite3.IntegrityError as exc:
                db.rollback()
                raise LoanConflict(f"the loan log refused a change: {exc}") from None
            except sqlite3.Error as exc:
                if db.in_transaction:
                    db.rollback()
                raise BackendUnavailable(
                    f"the loan log {self.path} cannot be used: {exc}; nothing was changed"
                ) from None

    def record(self, entry: LoanEntry) -> LoanEvent:
        row = (
            _stamp(self._clock()),
            entry.action,
            entry.asset_id,
            entry.tag,
            entry.person,
            entry.person.casefold(),
            entry.operator,
            entry.request_id,
            entry.based_on,
            entry.condition,
            json.dumps(list(entry.damages)),
            entry.note,
            entry.ticket_id,
            entry.ticket_error,
            entry.due.isoformat() if entry.due else None,
            int(entry.forced),
        )
        with self._transaction() as tx:
            duplicate = tx.execute(
                "SELECT id FROM loan_events WHERE action = ? AND asset_id = ? AND based_on = ?",
                (entry.action, entry.asset_id, entry.based_on),
            ).fetchone()
            if duplicate:
                raise LoanConflict(
                    f"loan event {duplicate[0]} records this {entry.action} of asset"
                    f" {entry.asset_id} already"
                )
            cursor = tx.execute(
                "INSERT INTO loan_events (at, action, asset_id, tag, person, person_key,"
                " operator, request_id, based_on, condition, damages, note, ticket_id,"
                " ticket_error, due, forced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?)",
                row,
            )
            return self._get(tx, int(cursor.lastrowid or 0))

    @staticmethod
    def _get(tx: sqlite3.Connection, event_id: int) -> LoanEvent:
        found = tx.execute(
            f"SELECT {_COLUMNS} FROM loan_events WHERE id = ?",  # noqa: S608 (fixed columns)
            (event_id,),
        ).fetchone()
        if found is None:
            raise LoanNotFound(f"there is no loan {event_id}")
        return _event(found)

    def get(self, event_id: int) -> LoanEvent:
        with self._transaction("DEFERRED") as tx:
            return self._get(tx, event_id)

    def attach_ticket(self, event_id: int, ticket_id: int) -> LoanEvent:
        with self._transaction() as tx:
            event = self._get(tx, event_id)
            if event.ticket_id is not None:
                raise LoanConflict(f"loan {event_id} has repair ticket {event.ticket_id} already")
            tx.execute(
                "UPDATE loan_events SET ticket_id = ?, ticket_error = '' WHERE id = ?",
                (ticket_id, event_id),
            )
            return self._get(tx, event_id)

    def events(self, query: LoanFilter, limit: int | None = None) -> Sequence[LoanEvent]:
        where, args = ["1 = 1"], []  # type: list[str], list[Any]
        if query.since is not None:
            where.append("at >= ?")
            args.append(_stamp(query.since))
        if query.until is not None:
            where.append("at <= ?")
            args.append(_stamp(query.until))
        if query.asset_id is not None:
            where.append("asset_id = ?")
            args.append(query.asset_id)
        if query.person is not None:
            where.append("person_key = ?")
            args.append(query.person.casefold())
        sql = f"SELECT {_COLUMNS} FROM loan_events WHERE {' AND '.join(where)} ORDER BY id"  # noqa: S608
        if limit is not None:
            sql += " LIMIT ?"
            args.append(max(0, limit))
        with self._transaction("DEFERRED") as tx:
            return [_event(row) for row in tx.execute(sql, args)]


def _event(row: Sequence[Any]) -> LoanEvent:
    (id_, at, action, asset_id, tag, person, operator, request_id, based_on, condition) = row[:10]
    damages, note, ticket_id, ticket_error, due, forced = row[10:]
    return LoanEvent(
        id=id_,
        at=datetime.fromisoformat(at),
        action=action,
        asset_id=asset_id,
        tag=tag,
        person=person,
        operator=operator,
        request_id=request_id,
        based_on=based_on,
        condition=condition,
        damages=tuple(json.loads(damages)),
        note=note,
        ticket_id=ticket_id,
        ticket_error=ticket_error,
        due=date.fromisoformat(due) if due else None,
        forced=bool(forced),
    )
