"""Background jobs: the job record, the context a job function gets, and the two job ports.

A job is work that outlives a request (an import, a print run, a sync, a poll). Its record
lives in a :class:`JobStore` of ours, so that progress, result and error can be read while it
runs and after a crash; a :class:`JobQueue` only carries job ids to the workers. A worker
*claims* a job before it runs it (one transaction in the store), so a job id delivered twice
runs once, and a claim carries a lease that the running worker keeps renewing: a job whose
lease ran out lost its worker (a crash, a SIGKILL) and is resumed or failed by the next
worker that looks (see :class:`~rtutils_core.services.jobs.JobService`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from attrs import field, frozen

from rtutils_core.errors import InvalidInput

#: queued -> running -> succeeded | failed; running -> interrupted (its worker died) ->
#: running again (resumed) or failed.
JobState = Literal["queued", "running", "succeeded", "failed", "interrupted"]
FINISHED: frozenset[JobState] = frozenset({"succeeded", "failed"})
#: States a worker may claim a job from.
CLAIMABLE: frozenset[JobState] = frozenset({"queued", "interrupted"})

#: What params, results and checkpoints may hold: plain JSON.
JsonValue = None | bool | int | float | str | Sequence["JsonValue"] | Mapping[str, "JsonValue"]


def check_json(value: object, what: str) -> None:
    """Raise :class:`InvalidInput` unless ``value`` survives a JSON round trip."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"the {what} of a job must be plain JSON data: {exc}") from None


@frozen
class Progress:
    """How far a job got: ``done`` of ``total`` items (``total`` None while unknown)."""

    done: int = 0
    total: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.done < 0 or (self.total is not None and self.total < 0):
            raise InvalidInput(f"progress cannot be negative ({self.done} of {self.total})")


@frozen
class Job:
    """One job as the store holds it; every time is UTC.

    ``checkpoint`` is what the job function last saved with its progress; a resumed job
    starts from it. ``attempts`` counts the claims (1 on the first run, more after resumes).
    ``worker`` and ``lease_until`` belong to the current claim of a running job.
    """

    id: str
    kind: str
    state: JobState
    created: datetime
    updated: datetime
    params: JsonValue = field(factory=dict)
    progress: Progress = Progress()
    result: JsonValue = None
    error: str | None = None
    checkpoint: JsonValue = None
    attempts: int = 0
    worker: str | None = None
    lease_until: datetime | None = None
    cancel_requested: bool = False
    #: The schedule that submitted the job, if a schedule did.
    schedule: str | None = None

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED


class JobCancelled(Exception):  # noqa: N818 - a signal to stop, raised inside job functions
    """Raised by :meth:`JobContext.check_cancelled` to stop a job someone cancelled."""


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
        self,
        *,
        kind: str | None = None,
        states: Sequence[JobState] | None = None,
        limit: int = 100,
    ) -> Sequence[Job]:
        """Jobs, newest first."""

    def claim(
        self, job_id: str, worker: str, *, now: datetime, lease_until: datetime
    ) -> Job | None:
        """Take a queued or interrupted job for ``worker`` (state running, attempts + 1).

        None if the job is running elsewhere or finished: a duplicate delivery does nothing.
        """

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
        """Renew the lease and, if given, store progress and checkpoint together.

        False (and nothing stored) if ``worker`` no longer holds the job; False too, with
        everything stored, once someone asked to cancel it: the job should stop.
        """

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
        """End the claimed job with its result or error."""

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


class JobContext:
    """What a running job function gets: its job, progress reports, cancellation checks.

    Built by :class:`~rtutils_core.services.jobs.JobService`; job functions only use it.
    """

    def __init__(
        self,
        job: Job,
        report: Callable[[Progress | None, JsonValue], bool],
    ) -> None:
        self.job = job
        self._report = report
        self._lost = False

    @property
    def params(self) -> JsonValue:
        """The parameters the job was submitted with."""
        return self.job.params

    @property
    def checkpoint(self) -> JsonValue:
        """What the job saved last time (None on a first run): where a resumed job goes on."""
        return self.job.checkpoint

    def progress(self, done: int, total: int | None = None, checkpoint: JsonValue = None) -> None:
        """Record ``done`` of ``total`` and, if given, a checkpoint to resume from, at once.

        Raises :class:`JobCancelled` if the job was cancelled or taken over meanwhile.
        """
        if checkpoint is not None:
            check_json(checkpoint, "checkpoint")
        if not self._report(Progress(done, total), checkpoint):
            self._lost = True
        self.check_cancelled()

    def is_cancelled(self) -> bool:
        """True once someone asked to cancel the job, or this worker lost it."""
        if self._lost or not self._report(None, None):
            self._lost = True
        return self._lost

    def check_cancelled(self) -> None:
        """Raise :class:`JobCancelled` if :meth:`is_cancelled`; call it between items."""
        if self.is_cancelled():
            raise JobCancelled(f"job {self.job.id} was cancelled")


#: A job function: does the work, reports through the context, returns a JSON result.
JobFunction = Callable[[JobContext], JsonValue]


@frozen
class JobKind:
    """A kind of job: its function and whether a job interrupted by a crash may go on.

    A resumable function must be safe to run again from its last checkpoint: every item it
    does is idempotent (looked up before it is created, or keyed so a repeat changes nothing).
    """

    name: str
    run: JobFunction
    resumable: bool = False
    #: Claims before an interrupted job is failed instead of resumed (a job that kills its
    #: worker every time must not do so forever).
    max_attempts: int = 3


@frozen
class Schedule:
    """Submit a job of ``kind`` once per ``interval`` seconds, across all workers."""

    name: str
    kind: str
    interval: float
    params: JsonValue = field(factory=dict)

    def __attrs_post_init__(self) -> None:
        if self.interval <= 0:
            raise InvalidInput(f"the interval of schedule {self.name!r} must be positive")
