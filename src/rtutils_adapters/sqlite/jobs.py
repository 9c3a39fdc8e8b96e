"""The job store in a SQLite file in ``WORKING_DIR`` (``jobs.sqlite3``, mode 0600).

Every method is one transaction, so a claim, a lease renewal or a schedule slot is decided
once for all processes on the machine. Parameters, results and checkpoints are stored as
JSON text.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from rtutils_adapters.sqlite.database import SqliteDatabase
from rtutils_core.errors import JobNotFound
from rtutils_core.jobs import CLAIMABLE, Job, JobState, JsonValue, Progress

FILE_NAME = "jobs.sqlite3"
SCHEMA_VERSION = 1
DEFAULT_BUSY_TIMEOUT = 10.0
#: Schedule slots kept per schedule; older ones are deleted as new ones are claimed.
SLOTS_KEPT = 100

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    state            TEXT NOT NULL CHECK (state IN
                         ('queued', 'running', 'succeeded', 'failed', 'interrupted')),
    created          TEXT NOT NULL,
    updated          TEXT NOT NULL,
    params           TEXT NOT NULL,
    done             INTEGER NOT NULL DEFAULT 0,
    total            INTEGER,
    result           TEXT NOT NULL DEFAULT 'null',
    error            TEXT,
    checkpoint       TEXT NOT NULL DEFAULT 'null',
    attempts         INTEGER NOT NULL DEFAULT 0,
    worker           TEXT,
    lease_until      TEXT,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    schedule         TEXT
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state);
CREATE INDEX IF NOT EXISTS jobs_by_kind ON jobs (kind);
CREATE TABLE IF NOT EXISTS schedule_slots (
    schedule TEXT NOT NULL,
    slot     INTEGER NOT NULL,
    claimed  TEXT NOT NULL,
    PRIMARY KEY (schedule, slot)
);
"""

_COLUMNS = (
    "id, kind, state, created, updated, params, done, total, result, error, checkpoint,"
    " attempts, worker, lease_until, cancel_requested, schedule"
)


def _stamp(moment: datetime) -> str:
    # One fixed width in UTC, so text order is time order.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _job(row: tuple[object, ...]) -> Job:
    (id_, kind, state, created, updated, params, done, total, result, error, checkpoint,
     attempts, worker, lease_until, cancel, schedule) = row  # fmt: skip
    return Job(
        id=id_,
        kind=kind,
        state=state,
        created=datetime.fromisoformat(created),
        updated=datetime.fromisoformat(updated),
        params=json.loads(params),
        progress=Progress(done, total),
        result=json.loads(result),
        error=error,
        checkpoint=json.loads(checkpoint),
        attempts=attempts,
        worker=worker,
        lease_until=_time(lease_until),
        cancel_requested=bool(cancel),
        schedule=schedule,
    )


class SqliteJobStore:
    """Job records in one SQLite file; share it between threads and processes freely."""

    def __init__(self, path: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        self.db = SqliteDatabase(
            path, _SCHEMA, SCHEMA_VERSION, busy_timeout=busy_timeout, what="job database"
        )
        self.path = self.db.path

    @classmethod
    def in_dir(cls, working_dir: Path) -> SqliteJobStore:
        """The job store of a working directory (``WORKING_DIR``)."""
        return cls(Path(working_dir) / FILE_NAME)

    def close(self) -> None:
        """Close this thread's connection."""
        self.db.close()

    def create(
        self, kind: str, params: JsonValue, *, now: datetime, schedule: str | None = None
    ) -> Job:
        job_id = uuid.uuid4().hex
        with self.db.transaction() as tx:
            tx.execute(
                "INSERT INTO jobs (id, kind, state, created, updated, params, schedule)"
                " VALUES (?, ?, 'queued', ?, ?, ?, ?)",
                (job_id, kind, _stamp(now), _stamp(now), json.dumps(params), schedule),
            )
            return self._get(tx, job_id)

    def get(self, job_id: str) -> Job:
        with self.db.transaction("DEFERRED") as tx:
            return self._get(tx, job_id)

    def list(
        self,
        *,
        kind: str | None = None,
        states: Sequence[JobState] | None = None,
        limit: int = 100,
    ) -> Sequence[Job]:
        where, args = ["1 = 1"], []
        if kind is not None:
            where.append("kind = ?")
            args.append(kind)
        if states is not None:
            where.append(f"state IN ({', '.join('?' * len(states))})")
            args.extend(states)
        query = f"SELECT {_COLUMNS} FROM jobs WHERE {' AND '.join(where)} ORDER BY seq DESC LIMIT ?"  # noqa: S608 - only placeholders are pasted
        with self.db.transaction("DEFERRED") as tx:
            return [_job(row) for row in tx.execute(query, (*args, limit))]

    def claim(
        self, job_id: str, worker: str, *, now: datetime, lease_until: datetime
    ) -> Job | None:
        with self.db.transaction() as tx:
            changed = tx.execute(
                "UPDATE jobs SET state = 'running', worker = ?, lease_until = ?, updated = ?,"
                " attempts = attempts + 1 WHERE id = ? AND state IN (?, ?)"
                " AND cancel_requested = 0",
                (worker, _stamp(lease_until), _stamp(now), job_id, *sorted(CLAIMABLE)),
            ).rowcount
            return self._get(tx, job_id) if changed else None

    def report(
        self,
        job_id: str,
        worker: str,
        *,
        now: datetime,
        lease_until: datetime,
        progress: Progress | None = None,
        checkpoint: JsonValue = None,
    ) -> bool:
        sets, args = ["lease_until = ?", "updated = ?"], [_stamp(lease_until), _stamp(now)]
        if progress is not None:
            sets += ["done = ?", "total = ?"]
            args += [progress.done, progress.total]
        if checkpoint is not None:
            sets.append("checkpoint = ?")
            args.append(json.dumps(checkpoint))
        with self.db.transaction() as tx:
            row = tx.execute(
                f"UPDATE jobs SET {', '.join(sets)} WHERE id = ? AND state = 'running'"  # noqa: S608
                " AND worker = ? RETURNING cancel_requested",
                (*args, job_id, worker),
            ).fetchone()
        return row is not None and not row[0]

    def finish(
        self,
        job_id: str,
        worker: str,
        state: Literal["succeeded", "failed"],
        *,
        now: datetime,
        result: JsonValue = None,
        error: str | None = None,
    ) -> bool:
        with self.db.transaction() as tx:
            return bool(
                tx.execute(
                    "UPDATE jobs SET state = ?, result = ?, error = ?, updated = ?,"
                    " lease_until = NULL WHERE id = ? AND state = 'running' AND worker = ?",
                    (state, json.dumps(result), error, _stamp(now), job_id, worker),
                ).rowcount
            )

    def request_cancel(self, job_id: str, *, now: datetime) -> Job:
        with self.db.transaction() as tx:
            self._get(tx, job_id)
            tx.execute(
                "UPDATE jobs SET cancel_requested = 1, updated = ?,"
                " state = CASE WHEN state IN (?, ?) THEN 'failed' ELSE state END,"
                " error = CASE WHEN state IN (?, ?) THEN 'cancelled' ELSE error END"
                " WHERE id = ? AND state NOT IN ('succeeded', 'failed')",
                (_stamp(now), *sorted(CLAIMABLE), *sorted(CLAIMABLE), job_id),
            )
            return self._get(tx, job_id)

    def interrupt_expired(self, *, now: datetime) -> Sequence[Job]:
        with self.db.transaction() as tx:
            rows = tx.execute(
                f"UPDATE jobs SET state = 'interrupted', lease_until = NULL, updated = ?"  # noqa: S608
                f" WHERE state = 'running' AND lease_until < ? RETURNING {_COLUMNS}",
                (_stamp(now), _stamp(now)),
            ).fetchall()
        return [_job(row) for row in rows]

    def fail(self, job_id: str, error: str, *, now: datetime) -> bool:
        with self.db.transaction() as tx:
            self._get(tx, job_id)
            return bool(
                tx.execute(
                    "UPDATE jobs SET state = 'failed', error = ?, updated = ?, lease_until = NULL"
                    " WHERE id = ? AND state IN (?, ?)",
                    (error, _stamp(now), job_id, *sorted(CLAIMABLE)),
                ).rowcount
            )

    def touch_stale(self, *, before: datetime, now: datetime) -> Sequence[Job]:
        with self.db.transaction() as tx:
            rows = tx.execute(
                f"UPDATE jobs SET updated = ? WHERE state IN (?, ?) AND updated < ?"  # noqa: S608
                f" RETURNING {_COLUMNS}",
                (_stamp(now), *sorted(CLAIMABLE), _stamp(before)),
            ).fetchall()
        return [_job(row) for row in rows]

    def claim_slot(self, schedule: str, slot: int, *, now: datetime) -> bool:
        with self.db.transaction() as tx:
            taken = tx.execute(
                "INSERT INTO schedule_slots (schedule, slot, claimed) VALUES (?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                (schedule, slot, _stamp(now)),
            ).rowcount
            tx.execute(
                "DELETE FROM schedule_slots WHERE schedule = ? AND slot < ?",
                (schedule, slot - SLOTS_KEPT),
            )
        return bool(taken)

    @staticmethod
    def _get(tx: sqlite3.Connection, job_id: str) -> Job:
        row = tx.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()  # noqa: S608
        if row is None:
            raise JobNotFound(f"there is no job {job_id!r}")
        return _job(row)
