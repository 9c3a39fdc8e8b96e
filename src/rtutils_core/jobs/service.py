"""Submitting, running, recovering and scheduling background jobs.

One :class:`JobService` serves the submitting side (the web app, the CLI, library code) and
the workers (see ``rtutils_adapters.jobs``). A worker calls :meth:`JobService.run` for every
job id the queue delivers, and :meth:`JobService.tick` about once a second: that resumes or
fails the jobs of dead workers and submits the scheduled jobs that are due.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta

from attrs import define, field, frozen

from rtutils_core.clock import utc_now
from rtutils_core.errors import InvalidInput, RtutilsError
from rtutils_core.jobs.ports import JobQueue, JobStore
from rtutils_core.jobs.values import (
    Job,
    JobCancelled,
    JobContext,
    JobEnd,
    JobKind,
    JobReport,
    JobState,
    JsonValue,
    Progress,
    Schedule,
    check_json,
)

log = logging.getLogger("rtutils.jobs")

#: Seconds a claim lasts without a renewal; a running job renews it every third of that.
DEFAULT_LEASE = 30.0
#: Seconds a queued job may wait before it is sent to the queue again (its first delivery
#: may have been lost with a crash between the store and the queue); repeats are harmless.
DEFAULT_RESEND_AFTER = 900.0
ACTIVE: tuple[JobState, ...] = ("queued", "running", "interrupted")


@frozen
class Recovery:
    """What one :meth:`JobService.tick` did about jobs whose worker was lost."""

    resumed: tuple[str, ...] = ()
    failed: tuple[str, ...] = ()
    resent: tuple[str, ...] = ()


@define
class JobService:
    """The job API: submit and read jobs here; workers run and recover them here too."""

    store: JobStore
    queue: JobQueue
    kinds: dict[str, JobKind] = field(factory=dict)
    schedules: tuple[Schedule, ...] = ()
    lease: float = DEFAULT_LEASE
    resend_after: float = DEFAULT_RESEND_AFTER
    clock: Callable[[], datetime] = utc_now
    #: The last slot this service asked the store for, per schedule: one write per interval.
    _asked: dict[str, int] = field(factory=dict, init=False, repr=False)

    # -- the submitting side -------------------------------------------------------------

    def register(self, kind: JobKind) -> None:
        """Make ``kind`` known; submitting and workers need the same kinds registered."""
        self.kinds[kind.name] = kind

    def add_schedule(self, schedule: Schedule) -> None:
        """Run ``schedule`` from now on (on every worker; each interval still runs once)."""
        self._kind(schedule.kind)
        self.schedules = (*[s for s in self.schedules if s.name != schedule.name], schedule)

    def submit(self, kind: str, params: JsonValue = None, *, schedule: str | None = None) -> Job:
        """Record a new job of ``kind`` and hand it to the workers; returns it ``queued``."""
        self._kind(kind)
        params = {} if params is None else params
        check_json(params, "parameters")
        job = self.store.create(kind, params, now=self.clock(), schedule=schedule)
        try:
            self.queue.enqueue(job.id)
        except RtutilsError as error:
            self.store.fail(job.id, f"could not be queued: {error.message}", now=self.clock())
            raise
        log.info("job submitted", extra={"job_id": job.id, "kind": kind})
        return job

    def run_here(self, kind: str, params: JsonValue = None, *, worker: str) -> Job:
        """Record a job of ``kind`` and run it in this thread now, as ``worker``.

        For a command run from a shell: the job shows with the others (progress, result,
        error) without waiting for a worker, and if this process dies a worker resumes or
        fails it like any other. Returns the finished job.
        """
        self._kind(kind)
        params = {} if params is None else params
        check_json(params, "parameters")
        job = self.store.create(kind, params, now=self.clock())
        return self.run(job.id, worker) or self.store.get(job.id)

    def get(self, job_id: str) -> Job:
        """The job (:class:`~rtutils_core.errors.JobNotFound` if there is none)."""
        return self.store.get(job_id)

    def list(
        self,
        *,
        kind: str | None = None,
        states: Iterable[JobState] | None = None,
        limit: int = 100,
    ) -> Sequence[Job]:
        """Jobs, newest first."""
        if limit < 1:
            raise InvalidInput(f"limit must be 1 or more, not {limit}")
        return self.store.list(kind=kind, states=tuple(states) if states else None, limit=limit)

    def cancel(self, job_id: str) -> Job:
        """Ask the job to stop: a waiting job fails now, a running one at its next check."""
        return self.store.request_cancel(job_id, now=self.clock())

    def _kind(self, name: str) -> JobKind:
        try:
            return self.kinds[name]
        except KeyError:
            known = ", ".join(sorted(self.kinds)) or "none"
            raise InvalidInput(f"unknown job kind {name!r}; known kinds: {known}") from None

    # -- the worker side -----------------------------------------------------------------

    def run(self, job_id: str, worker: str) -> Job | None:
        """Claim and run one job in this thread; None if it was not ours to run.

        The lease is renewed by a heartbeat thread while the function works, and with each
        progress report. Whatever the function raises ends the job as failed with the error
        recorded; nothing escapes to the queue, which must not retry on its own.
        """
        job = self.store.claim(job_id, worker, now=self.clock(), lease_until=self._lease_end())
        if job is None:
            return None
        kind = self.kinds.get(job.kind)
        if kind is None:
            self._finish(job, worker, JobEnd.failed(f"unknown job kind {job.kind!r}"))
            return self.store.get(job.id)
        log.info("job started", extra={"job_id": job.id, "kind": job.kind, "worker": worker})
        stop = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat, args=(job.id, worker, stop), daemon=True, name="job-lease"
        )
        beat.start()
        try:
            self._execute(kind, job, worker)
        finally:
            stop.set()
            beat.join()
        return self.store.get(job.id)

    def _execute(self, kind: JobKind, job: Job, worker: str) -> None:
        def report(progress: Progress | None, checkpoint: JsonValue) -> bool:
            return self.store.report(job.id, worker, self._report(progress, checkpoint))

        try:
            result = kind.run(JobContext(job, report, self.submit))
            check_json(result, "result")
        except JobCancelled:
            self._finish(job, worker, JobEnd.failed("cancelled"))
        except RtutilsError as error:
            self._finish(job, worker, JobEnd.failed(f"{error.code}: {error.message}"))
        except Exception as error:  # noqa: BLE001 - any failure of a job must be recorded
            self._finish(job, worker, JobEnd.failed(f"{type(error).__name__}: {error}"))
        else:
            self._finish(job, worker, JobEnd.succeeded(result))

    def _finish(self, job: Job, worker: str, end: JobEnd) -> None:
        done = self.store.finish(job.id, worker, end, now=self.clock())
        extra = {"job_id": job.id, "kind": job.kind, "state": end.state, "error": end.error}
        if done:
            log.info("job finished", extra=extra)
        else:
            log.warning("job finished after its claim was lost; outcome dropped", extra=extra)

    def _heartbeat(self, job_id: str, worker: str, stop: threading.Event) -> None:
        while not stop.wait(self.lease / 3):
            try:
                self.store.report(job_id, worker, self._report())
            except RtutilsError as error:
                # The next beat tries again; a lease that runs out means the job is resumed.
                log.warning("job lease not renewed", extra={"job_id": job_id, "error": str(error)})

    def _report(self, progress: Progress | None = None, checkpoint: JsonValue = None) -> JobReport:
        """The lease renewed from now, with ``progress`` and ``checkpoint`` when given."""
        return JobReport(self.clock(), self._lease_end(), progress, checkpoint)

    def _lease_end(self) -> datetime:
        return self.clock() + timedelta(seconds=self.lease)

    # -- recovery and schedules (every worker, about once a second) ----------------------

    def tick(self) -> tuple[Recovery, Sequence[Job]]:
        """Recover the jobs of lost workers, then submit the scheduled jobs that are due."""
        return self.recover(), self.run_schedules()

    def recover(self) -> Recovery:
        """Resume (resumable kinds) or fail the running jobs whose lease ran out.

        Also sends queued jobs that waited longer than ``resend_after`` to the queue again,
        in case their first delivery was lost. Nothing is ever left behind silently.
        """
        now = self.clock()
        resumed, failed = [], []
        for job in self.store.interrupt_expired(now=now):
            kind = self.kinds.get(job.kind)
            extra = {"job_id": job.id, "kind": job.kind, "attempts": job.attempts}
            if kind is not None and kind.resumable and job.attempts < kind.max_attempts:
                self.queue.enqueue(job.id)
                resumed.append(job.id)
                log.warning("job interrupted by a lost worker; resuming", extra=extra)
                continue
            why = "not resumable" if kind is None or not kind.resumable else "too many attempts"
            self.store.fail(job.id, f"interrupted: its worker stopped ({why})", now=now)
            failed.append(job.id)
            log.error("job interrupted by a lost worker; failed", extra=extra)
        before = now - timedelta(seconds=self.resend_after)
        resent = [job.id for job in self.store.touch_stale(before=before, now=now)]
        for job_id in resent:
            self.queue.enqueue(job_id)
        return Recovery(tuple(resumed), tuple(failed), tuple(resent))

    def run_schedules(self) -> Sequence[Job]:
        """Submit each schedule's job once per interval, whichever worker gets there first.

        An interval whose previous run is still queued or running, or whose schedule says
        there is nothing to do (``when``), submits nothing.
        """
        now = self.clock()
        submitted = []
        for schedule in self.schedules:
            slot = schedule.slot(now.timestamp())
            if self._asked.get(schedule.name) == slot:
                continue
            self._asked[schedule.name] = slot
            if schedule.when is not None and not schedule.when():
                continue
            if not self.store.claim_slot(schedule.name, slot, now=now):
                continue
            active = self.store.list(kind=schedule.kind, states=ACTIVE, limit=100)
            if any(job.schedule == schedule.name for job in active):
                log.info(
                    "scheduled job still running; interval skipped",
                    extra={"schedule": schedule.name},
                )
                continue
            submitted.append(self.submit(schedule.kind, schedule.params, schedule=schedule.name))
        return submitted
