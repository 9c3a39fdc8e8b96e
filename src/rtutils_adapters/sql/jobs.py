"""The job store, written once for SQLite and PostgreSQL: the state of background jobs.

Each method is one transaction, and each decision in it one statement: a claim, a lease
renewal or a finish is an ``UPDATE ... WHERE state = ...``, which SQLite's one writer runs
alone and PostgreSQL re-checks after waiting for the row, so two workers cannot both claim
a job; a schedule slot is a primary key, taken by one insert that may find it taken.
Parameters, results and checkpoints are stored as JSON text. The queue itself stays with
the job library (huey on SQLite or Redis).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    case,
    delete,
    insert,
    select,
    update,
)

from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.errors import BackendUnavailable, JobNotFound, RtutilsError
from rtutils_core.jobs import CLAIMABLE, Job, JobEnd, JobReport, JobState, JsonValue, Progress

#: Schedule slots kept per schedule; older ones are deleted as new ones are claimed.
SLOTS_KEPT = 100
jobs = table(
    "jobs",
    "seq id kind state created updated params done total result error checkpoint attempts"
    " worker lease_until cancel_requested schedule",
    key="seq",
    numbers="seq done total",
    integers="attempts cancel_requested",
    times="created updated lease_until",
)
schedule_slots = table(
    "schedule_slots", "schedule slot claimed", key="schedule slot", numbers="slot", times="claimed"
)
#: The tables of the job store, in the order a copy fills them.
TABLES = (jobs, schedule_slots)
_JOB = [c for c in jobs.columns if c.name != "seq"]
_OPEN = sorted(CLAIMABLE)


def _refused(exc: Exception) -> RtutilsError:
    return BackendUnavailable(f"the job database refused a change ({exc}); nothing was changed")


class _SlotTaken(RtutilsError):
    """A schedule slot claimed already."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(f"the schedule slot is taken: {cause}")


def _job(row: Any) -> Job:
    v = row._mapping
    return Job(
        id=v["id"],
        kind=v["kind"],
        state=v["state"],
        created=v["created"],
        updated=v["updated"],
        params=json.loads(v["params"]),
        progress=Progress(v["done"], v["total"]),
        result=json.loads(v["result"]),
        error=v["error"],
        checkpoint=json.loads(v["checkpoint"]),
        attempts=v["attempts"],
        worker=v["worker"],
        lease_until=v["lease_until"],
        cancel_requested=bool(v["cancel_requested"]),
        schedule=v["schedule"],
    )


def _get(tx: Connection, job_id: str) -> Job:
    row = tx.execute(select(*_JOB).where(jobs.c.id == job_id)).first()
    if row is None:
        raise JobNotFound(f"there is no job {job_id!r}")
    return _job(row)


class SqlJobStore(SqlStore):
    """The :class:`~rtutils_core.jobs.ports.JobStore` in a :class:`Database`."""

    COMPONENT = "jobs"

    def create(
        self, kind: str, params: JsonValue, *, now: datetime, schedule: str | None = None
    ) -> Job:
        job_id = uuid.uuid4().hex
        with self._db.transaction(refused=_refused) as tx:
            tx.execute(
                insert(jobs).values(
                    id=job_id,
                    kind=kind,
                    state="queued",
                    created=now,
                    updated=now,
                    params=json.dumps(params),
                    done=0,
                    result="null",
                    checkpoint="null",
                    attempts=0,
                    cancel_requested=0,
                    schedule=schedule,
                )
            )
            return _get(tx, job_id)

    def get(self, job_id: str) -> Job:
        with self._db.transaction(write=False) as tx:
            return _get(tx, job_id)

    def list(
        self, *, kind: str | None = None, states: Sequence[JobState] | None = None, limit: int = 100
    ) -> Sequence[Job]:
        sql = select(*_JOB).order_by(jobs.c.seq.desc()).limit(limit)
        if kind is not None:
            sql = sql.where(jobs.c.kind == kind)
        if states is not None:
            sql = sql.where(jobs.c.state.in_(list(states)))
        with self._db.transaction(write=False) as tx:
            return [_job(row) for row in tx.execute(sql)]

    def claim(
        self, job_id: str, worker: str, *, now: datetime, lease_until: datetime
    ) -> Job | None:
        with self._db.transaction(refused=_refused) as tx:
            rows = tx.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state.in_(_OPEN), jobs.c.cancel_requested == 0)
                .values(
                    state="running",
                    worker=worker,
                    lease_until=lease_until,
                    updated=now,
                    attempts=jobs.c.attempts + 1,
                )
                .returning(*_JOB)
            ).all()
        return _job(rows[0]) if rows else None

    def report(self, job_id: str, worker: str, report: JobReport) -> bool:
        values: dict[str, Any] = {"lease_until": report.lease_until, "updated": report.now}
        if report.progress is not None:
            values.update(done=report.progress.done, total=report.progress.total)
        if report.checkpoint is not None:
            values["checkpoint"] = json.dumps(report.checkpoint)
        with self._db.transaction(refused=_refused) as tx:
            row = tx.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state == "running", jobs.c.worker == worker)
                .values(**values)
                .returning(jobs.c.cancel_requested)
            ).first()
        return row is not None and not row[0]

    def finish(self, job_id: str, worker: str, end: JobEnd, *, now: datetime) -> bool:
        with self._db.transaction(refused=_refused) as tx:
            changed = tx.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state == "running", jobs.c.worker == worker)
                .values(
                    state=end.state,
                    result=json.dumps(end.result),
                    error=end.error,
                    updated=now,
                    lease_until=None,
                )
            ).rowcount
        return bool(changed)

    def request_cancel(self, job_id: str, *, now: datetime) -> Job:
        is_open = jobs.c.state.in_(_OPEN)
        with self._db.transaction(refused=_refused) as tx:
            _get(tx, job_id)
            tx.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state.not_in(("succeeded", "failed")))
                .values(
                    cancel_requested=1,
                    updated=now,
                    state=case((is_open, "failed"), else_=jobs.c.state),
                    error=case((is_open, "cancelled"), else_=jobs.c.error),
                )
            )
            return _get(tx, job_id)

    def interrupt_expired(self, *, now: datetime) -> Sequence[Job]:
        with self._db.transaction(refused=_refused) as tx:
            rows = tx.execute(
                update(jobs)
                .where(jobs.c.state == "running", jobs.c.lease_until < now)
                .values(state="interrupted", lease_until=None, updated=now)
                .returning(*_JOB)
            ).all()
        return [_job(row) for row in rows]

    def fail(self, job_id: str, error: str, *, now: datetime) -> bool:
        with self._db.transaction(refused=_refused) as tx:
            _get(tx, job_id)
            changed = tx.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.state.in_(_OPEN))
                .values(state="failed", error=error, updated=now, lease_until=None)
            ).rowcount
        return bool(changed)

    def touch_stale(self, *, before: datetime, now: datetime) -> Sequence[Job]:
        with self._db.transaction(refused=_refused) as tx:
            rows = tx.execute(
                update(jobs)
                .where(jobs.c.state.in_(_OPEN), jobs.c.updated < before)
                .values(updated=now)
                .returning(*_JOB)
            ).all()
        return [_job(row) for row in rows]

    def claim_slot(self, schedule: str, slot: int, *, now: datetime) -> bool:
        try:
            with self._db.transaction(refused=_SlotTaken) as tx:
                tx.execute(insert(schedule_slots).values(schedule=schedule, slot=slot, claimed=now))
                tx.execute(
                    delete(schedule_slots).where(
                        schedule_slots.c.schedule == schedule,
                        schedule_slots.c.slot < slot - SLOTS_KEPT,
                    )
                )
        except _SlotTaken:
            return False  # another worker took it first: its primary key refused this one
        return True
