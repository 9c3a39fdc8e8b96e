"""Background jobs: the job record, the context a job function gets, and the two job ports.

A job is work that outlives a request (an import, a print run, a sync, a poll). Its record
lives in a :class:`JobStore` of ours, so that progress, result and error can be read while it
runs and after a crash; a :class:`JobQueue` only carries job ids to the workers. A worker
*claims* a job before it runs it (one transaction in the store), so a job id delivered twice
runs once, and a claim carries a lease that the running worker keeps renewing: a job whose
lease ran out lost its worker (a crash, a SIGKILL) and is resumed or failed by the next
worker that looks (see :class:`~rtutils_core.jobs.service.JobService`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Literal

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
class JobReport:
    """What a worker reports on a job it holds: its lease renewed at ``now`` to
    ``lease_until``, with its progress and its checkpoint when given."""

    now: datetime
    lease_until: datetime
    progress: Progress | None = None
    checkpoint: JsonValue = None


@frozen
class JobEnd:
    """How a worker ends a job it holds: succeeded with its result, or failed with why."""

    state: Literal["succeeded", "failed"]
    result: JsonValue = None
    error: str | None = None

    def __attrs_post_init__(self) -> None:
        if (self.state == "failed") != (self.error is not None):
            raise InvalidInput("a failed job ends with its error, a succeeded one with none")

    @classmethod
    def succeeded(cls, result: JsonValue = None) -> JobEnd:
        return cls("succeeded", result=result)

    @classmethod
    def failed(cls, error: str) -> JobEnd:
        return cls("failed", error=error)


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


class JobContext:
    """What a running job function gets: its job, progress reports, cancellation checks,
    and a way to queue follow-up jobs.

    Built by :class:`~rtutils_core.jobs.service.JobService`; job functions only use it.
    """

    def __init__(
        self,
        job: Job,
        report: Callable[[Progress | None, JsonValue], bool],
        submit: Callable[[str, JsonValue], Job] | None = None,
    ) -> None:
        self.job = job
        self._report = report
        self._submit = submit
        self._lost = False

    def submit(self, kind: str, params: JsonValue = None) -> Job:
        """Queue a follow-up job of ``kind`` (the autotag job queues its labels' print jobs).

        A job function gets this from the service that runs it, so the function needs no
        job service of its own (which would need the function's kind registered first).
        """
        if self._submit is None:
            raise InvalidInput(f"job {self.job.id} cannot queue other jobs here")
        return self._submit(kind, params)

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
    """Submit a job of ``kind`` once per ``interval`` seconds, across all workers; the
    intervals start ``offset`` seconds after each multiple of ``interval`` since the epoch
    (a daily schedule with offset 3600 runs from 01:00 UTC).

    ``when``, if given, is asked first each interval: a schedule with nothing to do (the
    outbox empty) submits no job, so the job list does not fill with empty runs.
    """

    name: str
    kind: str
    interval: float
    params: JsonValue = field(factory=dict)
    offset: float = 0.0
    when: Callable[[], bool] | None = field(default=None, eq=False)

    def slot(self, moment: float) -> int:
        """The interval that the POSIX time ``moment`` falls in."""
        return int((moment - self.offset) // self.interval)

    def __attrs_post_init__(self) -> None:
        if self.interval <= 0:
            raise InvalidInput(f"the interval of schedule {self.name!r} must be positive")
