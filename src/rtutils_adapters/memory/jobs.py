"""In-memory job store and job queue: fakes for tests and the demo mode."""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Sequence
from datetime import datetime

from attrs import evolve

from rtutils_adapters.memory.keyed import kept
from rtutils_core.errors import JobNotFound
from rtutils_core.jobs import CLAIMABLE, Job, JobEnd, JobReport, JobState, JsonValue
from rtutils_core.jobs.service import JobService


class MemoryJobStore:
    """A :class:`~rtutils_core.jobs.ports.JobStore` in a dict, safe between threads."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._slots: set[tuple[str, int]] = set()
        self._lock = threading.Lock()

    def create(
        self, kind: str, params: JsonValue, *, now: datetime, schedule: str | None = None
    ) -> Job:
        job = Job(
            id=uuid.uuid4().hex,
            kind=kind,
            state="queued",
            created=now,
            updated=now,
            params=params,
            schedule=schedule,
        )
        with self._lock:
            self._jobs[job.id] = job
        return job

    def get(self, job_id: str) -> Job:
        with self._lock:
            return self._get(job_id)

    def _get(self, job_id: str) -> Job:
        return kept(self._jobs, job_id, JobNotFound(f"there is no job {job_id!r}"))

    def list(
        self, *, kind: str | None = None, states: Sequence[JobState] | None = None, limit: int = 100
    ) -> Sequence[Job]:
        with self._lock:
            jobs = [
                j
                for j in reversed(self._jobs.values())  # dicts keep creation order
                if (kind is None or j.kind == kind) and (states is None or j.state in states)
            ]
        return jobs[:limit]

    def claim(
        self, job_id: str, worker: str, *, now: datetime, lease_until: datetime
    ) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            if job is None or job.state not in CLAIMABLE or job.cancel_requested:
                return None
            return self._put(
                job,
                now,
                state="running",
                worker=worker,
                lease_until=lease_until,
                attempts=job.attempts + 1,
            )

    def report(self, job_id: str, worker: str, report: JobReport) -> bool:
        with self._lock:
            job = self._held(job_id, worker)
            if job is None:
                return False
            now = report.now
            job = self._put(job, now, lease_until=report.lease_until)
            if report.progress is not None:
                job = self._put(job, now, progress=report.progress)
            if report.checkpoint is not None:
                job = self._put(job, now, checkpoint=report.checkpoint)
            return not job.cancel_requested

    def finish(self, job_id: str, worker: str, end: JobEnd, *, now: datetime) -> bool:
        with self._lock:
            job = self._held(job_id, worker)
            if job is None:
                return False
            self._put(
                job, now, state=end.state, result=end.result, error=end.error, lease_until=None
            )
            return True

    def request_cancel(self, job_id: str, *, now: datetime) -> Job:
        with self._lock:
            job = self._get(job_id)
            if job.is_finished:
                return job
            if job.state in CLAIMABLE:
                return self._put(job, now, state="failed", error="cancelled", cancel_requested=True)
            return self._put(job, now, cancel_requested=True)

    def interrupt_expired(self, *, now: datetime) -> Sequence[Job]:
        with self._lock:
            expired = [
                j
                for j in self._jobs.values()
                if j.state == "running" and j.lease_until is not None and j.lease_until < now
            ]
            return [self._put(j, now, state="interrupted", lease_until=None) for j in expired]

    def fail(self, job_id: str, error: str, *, now: datetime) -> bool:
        with self._lock:
            job = self._get(job_id)
            if job.state not in CLAIMABLE:
                return False
            self._put(job, now, state="failed", error=error, lease_until=None)
            return True

    def touch_stale(self, *, before: datetime, now: datetime) -> Sequence[Job]:
        with self._lock:
            stale = [j for j in self._jobs.values() if j.state in CLAIMABLE and j.updated < before]
            return [self._put(j, now) for j in stale]

    def claim_slot(self, schedule: str, slot: int, *, now: datetime) -> bool:
        with self._lock:
            if (schedule, slot) in self._slots:
                return False
            self._slots.add((schedule, slot))
            return True

    # -- inside the lock -----------------------------------------------------------------

    def _held(self, job_id: str, worker: str) -> Job | None:
        job = self._get(job_id)
        return job if job.state == "running" and job.worker == worker else None

    def _put(self, job: Job, now: datetime, **changes: object) -> Job:
        job = evolve(job, updated=now, **changes)  # type: ignore[arg-type]
        self._jobs[job.id] = job
        return job


class InlineJobQueue:
    """A :class:`~rtutils_core.jobs.ports.JobQueue` that keeps ids until :meth:`run_pending`.

    Tests and the demo run the queued jobs in the calling thread, one after the other.
    """

    def __init__(self) -> None:
        self.pending: deque[str] = deque()
        self.sent: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.pending.append(job_id)
        self.sent.append(job_id)

    def run_pending(self, service: JobService, worker: str = "inline") -> int:
        """Run every queued id (and those queued meanwhile); return how many ran."""
        ran = 0
        while self.pending:
            if service.run(self.pending.popleft(), worker) is not None:
                ran += 1
        return ran
