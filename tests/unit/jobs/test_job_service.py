"""JobService on fakes: the memory job store and the inline queue, asserted on end state."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from rtutils_adapters.memory.jobs import InlineJobQueue, MemoryJobStore
from rtutils_core.errors import BackendUnavailable, InvalidInput, JobNotFound, TagConflict
from rtutils_core.jobs import JobContext, JobEnd, JobKind, JobReport, Progress, Schedule
from rtutils_core.jobs.service import JobService


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def count_to(ctx: JobContext) -> dict:
    """A resumable demo: counts to params["n"], saving where it is after each step."""
    start = ctx.checkpoint["next"] if ctx.checkpoint else 0
    n = ctx.params["n"]
    for i in range(start, n):
        ctx.progress(i + 1, n, checkpoint={"next": i + 1})
    return {"counted": n, "from": start}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def queue() -> InlineJobQueue:
    return InlineJobQueue()


@pytest.fixture
def service(clock, queue) -> JobService:
    service = JobService(MemoryJobStore(), queue, lease=30, clock=clock)
    service.register(JobKind("count", count_to, resumable=True))
    return service


def test_a_submitted_job_runs_and_keeps_its_result_and_progress(service, queue):
    job = service.submit("count", {"n": 5})
    assert (job.state, service.get(job.id).state) == ("queued", "queued")
    assert queue.run_pending(service) == 1
    done = service.get(job.id)
    assert (done.state, done.result, done.progress, done.error) == (
        "succeeded",
        {"counted": 5, "from": 0},
        Progress(5, 5),
        None,
    )
    assert [j.id for j in service.list(states=["succeeded"])] == [job.id]


def test_a_running_job_queues_follow_up_jobs_through_its_context(service, queue):
    def fan_out(ctx: JobContext) -> dict:
        ids = [ctx.submit("count", {"n": n}).id for n in (1, 2)]
        return {"queued": ids}

    service.register(JobKind("fan-out", fan_out))
    parent = service.submit("fan-out")
    queue.run_pending(service)  # the parent, then the two jobs it queued
    queued = service.get(parent.id).result["queued"]
    assert [service.get(i).result for i in queued] == [
        {"counted": 1, "from": 0},
        {"counted": 2, "from": 0},
    ]
    with pytest.raises(InvalidInput, match="unknown job kind 'nothing'"):
        JobContext(service.get(parent.id), lambda *_: True, service.submit).submit("nothing")


def test_bad_submissions_are_refused_with_a_clear_error(service):
    with pytest.raises(InvalidInput, match="unknown job kind 'nope'; known kinds: count"):
        service.submit("nope")
    with pytest.raises(InvalidInput, match="plain JSON"):
        service.submit("count", {"when": datetime.now(UTC)})
    with pytest.raises(InvalidInput, match="limit"):
        service.list(limit=0)
    with pytest.raises(JobNotFound):
        service.get("missing")
    assert service.list() == []


def test_a_duplicate_delivery_runs_the_job_once(service, queue):
    runs = []
    service.register(JobKind("once", lambda ctx: runs.append(ctx.job.id)))
    job = service.submit("once")
    queue.enqueue(job.id)
    assert queue.run_pending(service) == 1
    assert runs == [job.id]


def test_a_failing_job_is_failed_with_its_error_named(service, queue):
    def explode(ctx):
        raise TagConflict("W12-00001 is taken")

    def crash(ctx):
        raise ZeroDivisionError("division by zero")

    service.register(JobKind("explode", explode))
    service.register(JobKind("crash", crash))
    service.register(JobKind("odd", lambda ctx: {1, 2}))
    ids = [service.submit(kind).id for kind in ("explode", "crash", "odd")]
    queue.run_pending(service)
    errors = [service.get(i).error for i in ids]
    assert [service.get(i).state for i in ids] == ["failed"] * 3
    assert errors[0] == "tag_conflict: W12-00001 is taken"
    assert errors[1] == "ZeroDivisionError: division by zero"
    assert "plain JSON" in errors[2]


def test_a_job_that_cannot_be_queued_is_failed_not_left_waiting(service):
    class DownQueue:
        def enqueue(self, job_id):
            raise BackendUnavailable("redis is down")

    service.queue = DownQueue()
    with pytest.raises(BackendUnavailable):
        service.submit("count", {"n": 1})
    (job,) = service.list()
    assert (job.state, job.error) == ("failed", "could not be queued: redis is down")


def test_cancel_stops_a_running_job_at_its_next_check(service, queue):
    started, release = threading.Event(), threading.Event()

    def slow(ctx):
        started.set()
        release.wait(5)
        ctx.check_cancelled()
        return "not reached"

    service.register(JobKind("slow", slow))
    job = service.submit("slow")
    runner = threading.Thread(target=queue.run_pending, args=(service,))
    runner.start()
    started.wait(5)
    assert service.cancel(job.id).cancel_requested
    release.set()
    runner.join(5)
    done = service.get(job.id)
    assert (done.state, done.error, done.result) == ("failed", "cancelled", None)


def test_a_cancelled_waiting_job_never_runs(service, queue):
    job = service.submit("count", {"n": 3})
    service.cancel(job.id)
    assert queue.run_pending(service) == 0
    assert service.get(job.id).state == "failed"


def test_a_job_of_a_lost_worker_is_resumed_from_its_checkpoint(service, queue, clock):
    job = service.submit("count", {"n": 10})
    queue.pending.clear()
    # A worker claims it, gets to 4, and dies without a word.
    service.store.claim(job.id, "dead", now=clock(), lease_until=clock() + timedelta(seconds=30))
    lease = clock() + timedelta(seconds=30)
    service.store.report(job.id, "dead", JobReport(clock(), lease, Progress(4, 10), {"next": 4}))
    assert service.recover().resumed == ()  # its lease still runs
    clock.advance(31)
    assert service.recover().resumed == (job.id,)
    assert service.get(job.id).state == "interrupted"
    queue.run_pending(service)
    done = service.get(job.id)
    assert (done.state, done.result, done.attempts) == ("succeeded", {"counted": 10, "from": 4}, 2)


def test_a_lost_job_that_cannot_resume_is_failed_never_left(service, queue, clock):
    service.register(JobKind("print", lambda ctx: None, resumable=False))
    job = service.submit("print")
    queue.pending.clear()
    service.store.claim(job.id, "dead", now=clock(), lease_until=clock() + timedelta(seconds=1))
    clock.advance(2)
    assert service.recover().failed == (job.id,)
    failed = service.get(job.id)
    assert (failed.state, failed.error) == (
        "failed",
        "interrupted: its worker stopped (not resumable)",
    )


def test_a_job_that_keeps_killing_its_worker_is_failed_after_its_attempts(service, queue, clock):
    job = service.submit("count", {"n": 3})
    queue.pending.clear()
    for attempt in range(3):
        lease = clock() + timedelta(seconds=1)
        assert service.store.claim(job.id, f"dead{attempt}", now=clock(), lease_until=lease)
        clock.advance(2)
        service.recover()
    assert service.get(job.id).error == "interrupted: its worker stopped (too many attempts)"


def test_a_waiting_job_whose_delivery_was_lost_is_sent_again(service, queue, clock):
    job = service.submit("count", {"n": 2})
    queue.pending.clear()  # the delivery is lost
    assert service.recover().resent == ()
    clock.advance(service.resend_after + 1)
    assert service.recover().resent == (job.id,)
    queue.run_pending(service)
    assert service.get(job.id).state == "succeeded"


def test_a_schedule_submits_once_per_interval_across_services(clock, queue):
    store = MemoryJobStore()
    ticks = []
    services = []
    for _ in range(2):  # two workers on one store
        s = JobService(store, queue, clock=clock)
        s.register(JobKind("tick", lambda ctx: ticks.append(ctx.job.id)))
        s.add_schedule(Schedule("every-10s", "tick", 10))
        services.append(s)
    for _ in range(30):  # 30 s of ticks, each worker once a second
        for s in services:
            s.run_schedules()
            queue.run_pending(s)
        clock.advance(1)
    assert len(ticks) == 3
    assert {store.get(t).schedule for t in ticks} == {"every-10s"}


def test_a_schedule_skips_an_interval_while_its_last_run_is_still_going(service, queue, clock):
    service.add_schedule(Schedule("count-often", "count", 1, {"n": 1}))
    first = service.run_schedules()
    clock.advance(1)
    assert service.run_schedules() == []  # the first one has not run yet
    queue.run_pending(service)
    clock.advance(1)
    assert len(service.run_schedules()) == 1
    assert len(first) == 1
    with pytest.raises(InvalidInput, match="unknown job kind"):
        service.add_schedule(Schedule("x", "missing", 5))
    with pytest.raises(InvalidInput, match="positive"):
        Schedule("x", "count", 0)


def test_a_daily_schedule_with_an_offset_runs_once_a_day_from_its_time(clock, queue):
    store = MemoryJobStore()
    ran = []
    service = JobService(store, queue, clock=clock)
    service.register(JobKind("tick", lambda ctx: ran.append(clock())))
    service.add_schedule(Schedule("nightly", "tick", 86400, offset=6 * 3600 + 30 * 60))
    for _ in range(48 * 4):  # two days in quarter hours
        service.run_schedules()
        queue.run_pending(service)
        clock.advance(900)
    # The clock starts at 08:00, in the day's interval that began at 06:30: it runs at once.
    assert [t.isoformat() for t in ran] == [
        "2025-03-01T08:00:00+00:00",
        "2025-03-02T06:30:00+00:00",
        "2025-03-03T06:30:00+00:00",
    ]


def test_a_schedule_with_nothing_to_do_submits_no_job(service, queue, clock):
    work = []
    service.add_schedule(Schedule("when-needed", "count", 1, {"n": 1}, when=lambda: bool(work)))
    for _ in range(3):
        assert service.run_schedules() == []
        clock.advance(1)
    work.append("an operation waits")
    assert len(service.run_schedules()) == 1
    assert len(service.list()) == 1


def test_a_job_end_says_an_error_exactly_when_it_failed():
    assert JobEnd.failed("boom").error == "boom"
    assert JobEnd.succeeded({"rows": 2}).result == {"rows": 2}
    with pytest.raises(InvalidInput, match="failed job ends with its error"):
        JobEnd("succeeded", error="boom")
    with pytest.raises(InvalidInput, match="failed job ends with its error"):
        JobEnd("failed")
