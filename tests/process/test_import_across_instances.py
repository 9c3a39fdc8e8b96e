"""Two instances on one PostgreSQL and one Redis (``STORE_URL``, ``JOBS_QUEUE=redis``), each
with a WORKING_DIR of its own: a 60-row CSV import received by the first, whose worker (the
real ``request-tracker-utils worker``) is SIGKILLed after 16 rows, is finished by the
second instance's worker, and the real RT 5 holds each device once. The upload lives in
PostgreSQL, so the second instance reads it (issue 26).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid

import pytest
from tests.conftest import ROOT
from tests.process.test_import_job_killed import HEADER, carriers, settings_env
from tests.process.test_job_processes import wait_until
from tests.rt_harness import STUDENT_DEVICES

from rtutils_web.container import build_container
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.rt, pytest.mark.slow]

ROWS = 60
KILL_AT = 16


def test_an_import_whose_instance_is_killed_is_finished_by_the_other_instance(
    tmp_path, rt_server, rt_backend, pg_url, redis_url
):
    uid = uuid.uuid4().hex[:6].upper()
    serials = [f"IX{uid}-{n:03d}" for n in range(ROWS)]
    text = "\n".join(
        [HEADER]
        + [f"{STUDENT_DEVICES},{s},Lenovo,Chromebook 3100,Chromebook,E-Rate" for s in serials]
    )
    shared = {"STORE_URL": pg_url, "JOBS_QUEUE": "redis", "JOBS_REDIS_URL": redis_url}
    instances = [
        {**settings_env(rt_server, tmp_path / name, uid), **shared, "IMPORT_CONCURRENCY": "2"}
        for name in ("first", "second")
    ]
    first = build_container(Settings.from_env(instances[0]))
    job = first.jobs.import_jobs().submit(text, actor="test")  # received by the first instance
    second = build_container(Settings.from_env(instances[1]))
    read = lambda: second.jobs.import_jobs().status(job.id).job  # noqa: E731
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RT", "PORT", "HOST"))}
    workers: list[subprocess.Popen] = []

    def start_worker(env: dict[str, str]) -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(workers)}.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "rtutils_web.cli", "worker"],
            env={**base, **env, "PYTHONPATH": str(ROOT / "src")},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append(proc)
        return proc

    try:
        killed = start_worker(instances[0])
        wait_until(read, lambda j: j.progress.done >= KILL_AT or j.is_finished, 600)
        killed.send_signal(signal.SIGKILL)
        assert killed.wait(timeout=30) == -signal.SIGKILL
        assert read().state == "running" and read().progress.done < ROWS

        other = start_worker(instances[1])
        finished = wait_until(read, lambda j: j.is_finished, 900)
        other.send_signal(signal.SIGTERM)
        assert other.wait(timeout=60) == 0
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    assert (finished.state, finished.error) == ("succeeded", None), finished
    assert finished.progress.done == ROWS
    after = carriers(rt_backend, serials)
    doubles = {s: [a.id for a in assets] for s, assets in after.items() if len(assets) != 1}
    assert not doubles, f"devices missing or created twice: {doubles}"
    # The result file is in the store too: the first instance serves what the second wrote.
    assert first.jobs.import_jobs().result_csv(job.id).count("\n") == ROWS + 1
