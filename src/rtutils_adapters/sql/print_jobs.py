"""Print jobs, written once for SQLite and PostgreSQL.

A job is one row; its labels are a JSON list in the row, because they are written once and
always read with the job. ``replace`` is a compare-and-set on the state: it takes the job's
lock (in PostgreSQL an advisory lock, in SQLite the one writer of ``BEGIN IMMEDIATE``)
before it compares, so two workers cannot both take the same queued job.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import attrs
from sqlalchemy import insert, select, update

from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.errors import PrintJobConflict, PrintJobNotFound, RtutilsError
from rtutils_core.printing.print_jobs import JOB_STATES, JobState, PrintItem, PrintJob

print_jobs = table(
    "print_jobs",
    "seq id printer template items created_at updated_at copies state printed reason attempts"
    " actor skipped",
    key="seq",
    numbers="seq",
    integers="copies printed attempts",
    times="created_at updated_at",
)
#: The tables of the print jobs, in the order a copy fills them.
TABLES = (print_jobs,)
_JOB = [c for c in print_jobs.columns if c.name != "seq"]


def _refused(exc: Exception) -> RtutilsError:
    return PrintJobConflict(f"the print job database refused a change: {exc}")


def _values(job: PrintJob) -> dict[str, Any]:
    """The job's row: its fields, the lists as JSON."""
    return attrs.asdict(job, recurse=False) | {
        "items": json.dumps([[item.asset_id, item.tag] for item in job.items]),
        "skipped": json.dumps(list(job.skipped)),
    }


def _job(row: Any) -> PrintJob:
    values = dict(row._mapping)
    values["items"] = [PrintItem(int(a), str(t)) for a, t in json.loads(values["items"])]
    values["skipped"] = json.loads(values["skipped"])
    return PrintJob(**values)


class SqlPrintJobStore(SqlStore):
    """:class:`~rtutils_core.printing.ports.PrintJobStore` in a :class:`Database`."""

    COMPONENT = "print_jobs"

    def add(self, job: PrintJob) -> None:
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock(tx, f"print:{job.id}")
            if tx.scalar(select(print_jobs.c.seq).where(print_jobs.c.id == job.id)) is not None:
                raise PrintJobConflict(f"print job {job.id} exists already")
            tx.execute(insert(print_jobs).values(**_values(job)))

    def get(self, job_id: str) -> PrintJob:
        with self._db.transaction(write=False) as tx:
            row = tx.execute(select(*_JOB).where(print_jobs.c.id == job_id)).first()
        if row is None:
            raise PrintJobNotFound(f"no print job {job_id!r}")
        return _job(row)

    def replace(self, job: PrintJob, *, expect: JobState) -> None:
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock(tx, f"print:{job.id}")
            found = tx.scalar(select(print_jobs.c.state).where(print_jobs.c.id == job.id))
            if found is None:
                raise PrintJobNotFound(f"no print job {job.id!r}")
            if found != expect:
                raise PrintJobConflict(
                    f"print job {job.id} is {found}, not {expect}; another worker moved it"
                )
            tx.execute(update(print_jobs).where(print_jobs.c.id == job.id).values(**_values(job)))

    def recent(
        self, limit: int | None = 50, states: Sequence[JobState] = JOB_STATES
    ) -> list[PrintJob]:
        wanted = [s for s in states if s in JOB_STATES]
        if not wanted:
            return []
        sql = (
            select(*_JOB)
            .where(print_jobs.c.state.in_(wanted))
            .order_by(print_jobs.c.created_at.desc(), print_jobs.c.seq.desc())
            .limit(limit)
        )
        with self._db.transaction(write=False) as tx:
            return [_job(row) for row in tx.execute(sql)]
