"""Print jobs in their own SQLite file in ``WORKING_DIR`` (readable by the service user only).

A job is one row; its labels are a JSON list in the row, because they are written once and
always read with the job. ``replace`` is a compare-and-set on the state inside one
``BEGIN IMMEDIATE`` transaction, so two workers (threads or processes) cannot both take the
same queued job.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rtutils_adapters.sqlite.database import SqliteDatabase
from rtutils_core.errors import PrintJobConflict, PrintJobNotFound
from rtutils_core.printing.print_jobs import JOB_STATES, JobState, PrintItem, PrintJob

FILE_NAME = "print-jobs.sqlite3"
SCHEMA_VERSION = 1
DEFAULT_BUSY_TIMEOUT = 10.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS print_jobs (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    printer    TEXT NOT NULL,
    template   TEXT NOT NULL,
    items      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    copies     INTEGER NOT NULL CHECK (copies >= 1),
    state      TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
    printed    INTEGER NOT NULL CHECK (printed >= 0),
    reason     TEXT NOT NULL,
    attempts   INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    skipped    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS print_jobs_by_state ON print_jobs (state, created_at);
"""
_COLUMNS = (
    "id, printer, template, items, created_at, updated_at, copies, state, printed, reason,"
    " attempts, actor, skipped"
)
# Built from the constant column list only; every value goes in as a parameter.
_INSERT = f"INSERT INTO print_jobs ({_COLUMNS}) VALUES ({', '.join('?' * 13)})"  # noqa: S608
_SELECT = f"SELECT {_COLUMNS} FROM print_jobs"  # noqa: S608
_UPDATE = "UPDATE print_jobs SET {} WHERE id = ?".format(  # noqa: S608
    ", ".join(f"{c.strip()} = ?" for c in _COLUMNS.split(","))
)


def _stamp(moment: datetime) -> str:
    # One fixed width in UTC, so that text order is time order.
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _row(job: PrintJob) -> tuple[object, ...]:
    items = json.dumps([[item.asset_id, item.tag] for item in job.items])
    return (
        job.id,
        job.printer,
        job.template,
        items,
        _stamp(job.created_at),
        _stamp(job.updated_at),
        job.copies,
        job.state,
        job.printed,
        job.reason,
        job.attempts,
        job.actor,
        json.dumps(list(job.skipped)),
    )


def _job(row: sqlite3.Row | tuple[object, ...]) -> PrintJob:
    (job_id, printer, template, items, created, updated, copies, state, printed, reason,
     attempts, actor, skipped) = row  # fmt: skip
    return PrintJob(
        id=str(job_id),
        printer=str(printer),
        template=str(template),
        items=[PrintItem(int(a), str(t)) for a, t in json.loads(str(items))],
        created_at=datetime.fromisoformat(str(created)),
        updated_at=datetime.fromisoformat(str(updated)),
        copies=int(str(copies)),
        state=str(state),  # type: ignore[arg-type]
        printed=int(str(printed)),
        reason=str(reason),
        attempts=int(str(attempts)),
        actor=str(actor),
        skipped=json.loads(str(skipped)),
    )


class SqlitePrintJobStore:
    """:class:`~rtutils_core.printing.ports.PrintJobStore` in a SQLite file; one connection per
    thread, shared safely between processes."""

    def __init__(self, path: Path, *, busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> None:
        # Jobs name assets and who printed them: the file is the service user's alone.
        self._database = SqliteDatabase(
            path, _SCHEMA, SCHEMA_VERSION, busy_timeout=busy_timeout, what="print job database"
        )
        self.path = self._database.path
        self.busy_timeout = busy_timeout

    @classmethod
    def in_dir(cls, working_dir: Path) -> SqlitePrintJobStore:
        """The job store of a working directory (``WORKING_DIR``)."""
        return cls(Path(working_dir) / FILE_NAME)

    def add(self, job: PrintJob) -> None:
        with self._database.transaction() as tx:
            if tx.execute("SELECT 1 FROM print_jobs WHERE id = ?", (job.id,)).fetchone():
                raise PrintJobConflict(f"print job {job.id} exists already")
            tx.execute(_INSERT, _row(job))

    def get(self, job_id: str) -> PrintJob:
        row = self._database.connection().execute(f"{_SELECT} WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise PrintJobNotFound(f"no print job {job_id!r}")
        return _job(row)

    def replace(self, job: PrintJob, *, expect: JobState) -> None:
        with self._database.transaction() as tx:
            found = tx.execute("SELECT state FROM print_jobs WHERE id = ?", (job.id,)).fetchone()
            if found is None:
                raise PrintJobNotFound(f"no print job {job.id!r}")
            if found[0] != expect:
                raise PrintJobConflict(
                    f"print job {job.id} is {found[0]}, not {expect}; another worker moved it"
                )
            tx.execute(_UPDATE, (*_row(job), job.id))

    def recent(
        self, limit: int | None = 50, states: Sequence[JobState] = JOB_STATES
    ) -> list[PrintJob]:
        wanted = [s for s in states if s in JOB_STATES]
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        rows = (
            self._database.connection()
            .execute(
                f"{_SELECT} WHERE state IN ({marks}) ORDER BY created_at DESC, seq DESC LIMIT ?",
                (*wanted, -1 if limit is None else limit),
            )
            .fetchall()
        )
        return [_job(row) for row in rows]
