"""Issue 15's show: a 200-row CSV import job into the real RT 5, its worker (the real
``request-tracker-utils worker`` process) SIGKILLed in the middle; after a restart the job
finishes and RT holds each device once.

The job store, queue, tag and intake stores are SQLite files in one WORKING_DIR, shared by
the test (which submits the job as the web service would) and the worker processes.
``JOBS_LEASE=2`` lets the second worker find the dead worker's job within seconds.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import uuid

import pytest
from tests.conftest import ROOT
from tests.process.test_job_processes import wait_until
from tests.rt_harness import STUDENT_DEVICES
from tests.web.conftest import SECRET_KEY

from rtutils_core.assets import AssetQuery
from rtutils_web.container import build_container
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.rt, pytest.mark.slow]

ROWS = 200
KILL_AT = 50
HEADER = "catalog,serial number,manufacturer,model,type,funding source"


def settings_env(rt_server, state, uid: str) -> dict[str, str]:
    return {
        "RTUTILS_BACKEND": "rt",
        "RT_URL": rt_server.url,
        "RT_TOKEN": rt_server.token.reveal(),
        "RT_READ_TIMEOUT": "120",
        "SECRET_KEY": SECRET_KEY,
        "WORKING_DIR": str(state),
        "JOBS_WORKER": "separate",
        "JOBS_LEASE": "2",
        "IMPORT_CONCURRENCY": "6",
        "PREFIX": f"IJ{uid}-",
        "LOG_LEVEL": "WARNING",
    }


def carriers(rt_backend, serials: list[str]) -> dict[str, list]:
    found: dict[str, list] = {s: [] for s in serials}
    queries = [AssetQuery(custom_fields={"Serial Number": s}) for s in serials]
    for start in range(0, len(queries), 100):
        for asset in rt_backend.find_any(queries[start : start + 100]):
            found[asset.cf("Serial Number")].append(asset)
    return found


def test_a_worker_killed_mid_import_the_job_finishes_after_a_restart_no_row_twice(
    tmp_path, rt_server, rt_backend
):
    uid = uuid.uuid4().hex[:6].upper()
    serials = [f"IJ{uid}-{n:03d}" for n in range(ROWS)]
    text = "\n".join(
        [HEADER]
        + [f"{STUDENT_DEVICES},{s},Lenovo,Chromebook 3100,Chromebook,E-Rate" for s in serials]
    )
    env = settings_env(rt_server, tmp_path / "state", uid)
    container = build_container(Settings.from_env(env))
    imports = container.jobs.import_jobs()
    job = imports.submit(text, actor="test")
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RT", "PORT", "HOST"))}
    process_env = {**base, **env, "PYTHONPATH": str(ROOT / "src")}
    workers: list[subprocess.Popen] = []

    def start_worker() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(workers)}.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "rtutils_web.cli", "worker"],
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append(proc)
        return proc

    read = lambda: imports.status(job.id).job  # noqa: E731
    try:
        first = start_worker()
        wait_until(read, lambda j: j.progress.done >= KILL_AT or j.is_finished, 600)
        first.send_signal(signal.SIGKILL)
        assert first.wait(timeout=30) == -signal.SIGKILL
        at_kill = read()
        assert at_kill.state == "running" and KILL_AT <= at_kill.progress.done < ROWS
        midway = sum(1 for a in carriers(rt_backend, serials).values() if a)
        assert KILL_AT <= midway < ROWS

        second = start_worker()
        finished = wait_until(read, lambda j: j.is_finished, 900)
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()

    assert (finished.state, finished.attempts, finished.error) == ("succeeded", 2, None)
    assert finished.progress.done == finished.progress.total == ROWS
    status = imports.status(job.id)
    assert status.failed == 0 and status.created + status.skipped == ROWS
    assert status.skipped >= midway - 6  # the rows in flight at the kill may count either way
    after = carriers(rt_backend, serials)
    doubles = {s: [a.id for a in assets] for s, assets in after.items() if len(assets) != 1}
    assert not doubles, f"devices missing or created twice: {doubles}"
    table = list(csv.DictReader(io.StringIO(imports.result_csv(job.id))))
    assert len(table) == ROWS
    for entry, serial in zip(table, serials, strict=True):
        (asset,) = after[serial]
        assert (entry["asset_id"], entry["tag"]) == (str(asset.id), asset.name)
        assert entry["internal_name"] == asset.cf("Internal Name")
        assert asset.cf("Model") == "Chromebook 3100"
