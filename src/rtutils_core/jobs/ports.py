"""Ports of the job system: where jobs are kept, and the queue that wakes workers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from rtutils_core.jobs.values import Job, JobEnd, JobReport, JobState, JsonValue


@runtime_checkable
class JobStore(Protocol):
    """Durable job records, safe against other threads and processes using the same store.

    Every method is one transaction. ``worker`` arguments name the claim: a write by a worker
    that no longer holds the job (its lease ran out and another worker took over) changes
    nothing and answers False. Every implementation passes ``tests/contract/test_job_store.py``.
    """

    def create(
        self, kind: str, params: JsonValue, *, now: datetime, schedule: str | None = None
    ) -> Job:
        """A new ``queued`` job with a fresh unique id."""

    def get(self, job_id: str) -> Job:
        """The job, or :class:`~rtutils_core.errors.JobNotFound`."""

    def list(
        self, *, kind: str | None = None, states: Sequence[JobState] | None = None, limit: int = 100
    ) -> Sequence[Job]:
        """Jobs, newest first."""

    def claim(
        self, job_id: str, worker: str, *, now: datetime, lease_until: datetime
    ) -> Job | None:
        """Take a queued or interrupted job for ``worker`` (state running, attempts + 1).

        None if the job is running elsewhere or finished: a duplicate delivery does nothing.
        """

    def report(self, job_id: str, worker: str, report: JobReport) -> bool:
        """Renew the lease and, if given, store progress and checkpoint together (``report``).

        False (and nothing stored) if ``worker`` no longer holds the job; False too, with
        everything stored, once someone asked to cancel it: the job should stop.
        """

    def finish(self, job_id: str, worker: str, end: JobEnd, *, now: datetime) -> bool:
        """End the claimed job as ``end`` says: its result, or its error."""

    def request_cancel(self, job_id: str, *, now: datetime) -> Job:
        """Flag the job for cancellation; a queued or interrupted one fails at once."""

    def interrupt_expired(self, *, now: datetime) -> Sequence[Job]:
        """Turn running jobs whose lease ended before ``now`` into ``interrupted``; return them."""

    def fail(self, job_id: str, error: str, *, now: datetime) -> bool:
        """Fail a job that is not running (queued or interrupted); False if it was not."""

    def touch_stale(self, *, before: datetime, now: datetime) -> Sequence[Job]:
        """Queued or interrupted jobs last updated before ``before``, now updated ``now``.

        Their delivery may have been lost; the caller sends them to the queue again.
        """

    def claim_slot(self, schedule: str, slot: int, *, now: datetime) -> bool:
        """True for exactly one caller per (schedule, slot), across processes."""


@runtime_checkable
class JobQueue(Protocol):
    """Carries job ids to the workers (huey in production)."""

    def enqueue(self, job_id: str) -> None:
        """Deliver ``job_id`` to a worker; it may arrive more than once, never zero times."""
