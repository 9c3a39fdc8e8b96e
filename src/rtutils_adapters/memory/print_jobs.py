"""Print jobs in memory: the fake of the job store, also used by the demo."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from rtutils_adapters.memory.keyed import kept
from rtutils_core.errors import PrintJobConflict, PrintJobNotFound
from rtutils_core.printing.print_jobs import JOB_STATES, JobState, PrintJob


class MemoryPrintJobStore:
    """:class:`~rtutils_core.printing.ports.PrintJobStore` in a dict, safe across threads."""

    def __init__(self) -> None:
        self._jobs: dict[str, PrintJob] = {}
        self._lock = threading.Lock()

    def add(self, job: PrintJob) -> None:
        with self._lock:
            if job.id in self._jobs:
                raise PrintJobConflict(f"print job {job.id} exists already")
            self._jobs[job.id] = job

    def get(self, job_id: str) -> PrintJob:
        with self._lock:
            return kept(self._jobs, job_id, PrintJobNotFound(f"no print job {job_id!r}"))

    def replace(self, job: PrintJob, *, expect: JobState) -> None:
        with self._lock:
            stored = self._jobs.get(job.id)
            if stored is None:
                raise PrintJobNotFound(f"no print job {job.id!r}")
            if stored.state != expect:
                raise PrintJobConflict(
                    f"print job {job.id} is {stored.state}, not {expect}; another worker moved it"
                )
            self._jobs[job.id] = job

    def recent(
        self, limit: int | None = 50, states: Sequence[JobState] = JOB_STATES
    ) -> list[PrintJob]:
        with self._lock:
            jobs = [job for job in self._jobs.values() if job.state in states]
        # Insertion order breaks ties between jobs made in the same microsecond.
        order = {job_id: n for n, job_id in enumerate(self._jobs)}
        jobs.sort(key=lambda job: (job.created_at, order[job.id]), reverse=True)
        return jobs if limit is None else jobs[:limit]
