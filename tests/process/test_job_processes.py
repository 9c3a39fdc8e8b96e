"""Real worker processes on huey, with the queue on SQLite and on Redis.

A worker SIGKILLed in the middle of a long job: after a restart the job finishes (resumable)
or is failed (not resumable), never lost, and no item is done twice. A schedule served by two
workers at once runs once per interval.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import ROOT, free_port, kill_leftovers
from tests.process.job_worker import Ledger, build_service

from rtutils_adapters.jobs import JobWorker, redis_huey
from rtutils_core.errors import BackendUnavailable, ConfigError
from rtutils_core.jobs import Job

pytestmark = pytest.mark.slow

LEASE = 2.0


@pytest.fixture(params=["sqlite", "redis"])
def queue_options(request, tmp_path) -> list[str]:
    """Worker options for a fresh queue of each kind."""
    if request.param == "sqlite":
        return []
    url = request.getfixturevalue("redis_url")
    options = ["--redis", url, "--queue", f"test-{uuid.uuid4().hex[:8]}"]
    if request.param == "redis-postgres":  # as several instances run: the state shared too
        options += ["--store", request.getfixturevalue("pg_url")]
    return options


@pytest.fixture
def workers(tmp_path, queue_options) -> Iterator[Callable[..., subprocess.Popen]]:
    """Starts worker processes on ``tmp_path`` and the test's queue; kills leftovers."""
    started: list[subprocess.Popen] = []

    def start(*options: str) -> subprocess.Popen:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.process.job_worker",
                str(tmp_path),
                "--lease",
                str(LEASE),
                *queue_options,
                *options,
            ],  # fmt: skip
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(tmp_path / f"worker-{len(started)}.log").open("w"),
        )
        started.append(proc)
        return proc

    yield start
    kill_leftovers(started)


def submitter(tmp_path: Path, queue_options: list[str]):
    redis = queue_options[1] if queue_options else None
    name = queue_options[3] if queue_options else "rtutils"
    store = queue_options[5] if len(queue_options) > 5 else None
    service, _ = build_service(tmp_path, redis, name, LEASE, store)
    return service


def wait_until(check: Callable[[], Job], done: Callable[[Job], bool], timeout: float) -> Job:
    deadline = time.monotonic() + timeout
    while True:
        job = check()
        if done(job):
            return job
        assert time.monotonic() < deadline, f"gave up waiting; job is {job}"
        time.sleep(0.05)


def kill_mid_job(tmp_path, queue_options, workers, kind: str) -> tuple[Job, int]:
    """Run a 200-item job, SIGKILL its worker at about item 60, start another worker."""
    service = submitter(tmp_path, queue_options)
    first = workers("--threads", "1")
    job = service.submit(kind, {"items": 200, "delay": 0.01})
    wait_until(lambda: service.get(job.id), lambda j: j.progress.done >= 60, 60)
    first.send_signal(signal.SIGKILL)
    first.wait()
    at_kill = service.get(job.id).progress.done
    assert 60 <= at_kill < 200
    workers("--threads", "1")
    finished = wait_until(lambda: service.get(job.id), lambda j: j.is_finished, 60)
    return finished, at_kill


@pytest.mark.parametrize("queue_options", ["sqlite", "redis", "redis-postgres"], indirect=True)
def test_a_resumable_job_killed_midway_finishes_after_a_restart_no_item_twice(
    tmp_path, queue_options, workers
):
    job, at_kill = kill_mid_job(tmp_path, queue_options, workers, "items")
    assert (job.state, job.attempts, job.error) == ("succeeded", 2, None)
    assert job.progress.done == job.progress.total == 200
    assert job.result["resumed_from"] >= at_kill - 1
    done = Counter(Ledger(tmp_path).items(job.id))
    assert sorted(done) == list(range(200))
    assert set(done.values()) == {1}, "an item was done twice"


def test_a_job_that_cannot_resume_is_failed_after_a_restart_not_lost(
    tmp_path, queue_options, workers
):
    job, at_kill = kill_mid_job(tmp_path, queue_options, workers, "items-once")
    assert (job.state, job.attempts) == ("failed", 1)
    assert job.error == "interrupted: its worker stopped (not resumable)"
    done = Counter(Ledger(tmp_path).items(job.id))
    assert len(done) in (at_kill, at_kill + 1)
    assert set(done.values()) == {1}


@pytest.mark.parametrize("queue_options", ["sqlite", "redis", "redis-postgres"], indirect=True)
def test_a_schedule_served_by_two_workers_runs_once_per_interval(tmp_path, queue_options, workers):
    every = 1.0
    pair = [workers("--every", str(every)) for _ in range(2)]
    service = submitter(tmp_path, queue_options)
    # However slow the machine, wait for five runs (not for a time), both workers serving.
    deadline = time.monotonic() + 180
    while len(service.list(kind="stamp")) < 5:
        assert all(proc.poll() is None for proc in pair), "a worker died"
        assert time.monotonic() < deadline, "the schedule ran fewer than 5 times in 180 s"
        time.sleep(0.2)
    for proc in pair:
        assert proc.poll() is None, "a worker died"
        proc.send_signal(signal.SIGTERM)
    for proc in pair:
        assert proc.wait(timeout=60) == 0
    runs = service.list(kind="stamp")
    slots = Counter(int(j.created.timestamp() // every) for j in runs)
    assert set(slots.values()) == {1}, f"an interval ran twice: {slots}"
    assert len(runs) >= 5
    # The workers stop whenever SIGTERM comes: a run queued by the last tick before it waits,
    # durably, for the next worker; every earlier one ran.
    last = max(j.created for j in runs)
    assert {j.state for j in runs if j.created < last} == {"succeeded"}
    assert {j.state for j in runs if j.created == last} <= {"succeeded", "queued"}


def test_an_in_process_worker_runs_jobs_and_stops_cleanly(tmp_path, queue_options):
    service = submitter(tmp_path, queue_options)
    worker = JobWorker(service, service.queue, threads=2, tick=0.1)
    worker.start()
    try:
        ids = [service.submit("items", {"items": 5}).id for _ in range(3)]
        for job_id in ids:
            job = wait_until(lambda j=job_id: service.get(j), lambda j: j.is_finished, 30)
            assert (job.state, job.result["items"], job.progress.done) == ("succeeded", 5, 5)
    finally:
        worker.stop()
    assert not any(t.name == "job-ticker" and t.is_alive() for t in threading.enumerate())
    for name in ("jobs.sqlite3", "queue.sqlite3"):
        path = tmp_path / name
        assert not path.exists() or stat.S_IMODE(path.stat().st_mode) == 0o600, name


def test_an_unreachable_queue_is_backend_unavailable_and_the_job_failed(tmp_path):
    service, _ = build_service(tmp_path, redis=f"redis://127.0.0.1:{free_port()}/0")
    with pytest.raises(BackendUnavailable, match="job queue cannot be reached"):
        service.submit("stamp")
    (job,) = service.list()
    assert job.state == "failed" and job.error.startswith("could not be queued")
    with pytest.raises(ConfigError, match="Redis URL"):
        redis_huey("localhost:6379")
