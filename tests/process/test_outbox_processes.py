"""The outbox replayed by real processes against the real RT 5: a worker SIGKILLed halfway
through the replay and another started, and two instances on one PostgreSQL draining one
outbox at the same time. Each operation is applied once: RT ends as live writes made it on
twin devices, one loan log event and one repair ticket per operation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import ROOT, kill_leftovers
from tests.contract.outbox.outage_world import (
    SCRIPT,
    expected_owners,
    held,
    load_devices,
    settings,
)
from tests.rt_harness import unique_name
from tests.web.conftest import bearer

from rtutils_core.loans import LoanFilter
from rtutils_web.app import create_app

pytestmark = [pytest.mark.slow, pytest.mark.rt]

#: Generous bounds that only turn a hang into a failure (a busy 2-core machine, RT at ~0.5 s
#: a request).
WAIT = 900


def wait_until(what: str, check: Callable[[], bool], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.2)


def child_env(rt_server, folder: Path, **more: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        "LOG_FORMAT": "json",
        "RTUTILS_BACKEND": "rt",
        "RT_URL": rt_server.url,
        "RT_TOKEN": rt_server.token.reveal(),
        "RT_READ_TIMEOUT": "5",  # the outbox's lease is four times this
        "SECRET_KEY": "a-session-key-of-at-least-16-characters",
        "WORKING_DIR": str(folder),
        "JOBS_WORKER": "separate",
        "JOBS_LEASE": "2",
        "OUTBOX_REPLAY_INTERVAL": "0.5",
        "PREFIX": unique_name("OBX").upper() + "-",
        **more,
    }


@pytest.fixture
def children() -> Iterator[Callable[..., subprocess.Popen]]:
    started: list[subprocess.Popen] = []

    def start(
        args: list[str], env: dict[str, str], log: Path, *, answers: bool = False
    ) -> subprocess.Popen:
        """``answers``: its standard output is read by the test, else it goes to ``log``."""
        written = log.open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE if answers else written,
            stderr=written,
            text=True,
        )
        started.append(proc)
        return proc

    yield start
    kill_leftovers(started)


def queue_script(rt_server, rt_outage, folder: Path, sets: int, **more: str):
    """The service in-process with its state in ``folder``: one set of devices written
    live, then ``sets`` more while RT is away (all answered 202). Returns the container,
    the live set and the held-back sets."""
    app = create_app(settings(folder, rt_outage.url, rt_server.token.reveal(), **more))
    client, container = app.test_client(), app.extensions["rtutils"]
    live = load_devices(rt_server)
    held_back = [load_devices(rt_server) for _ in range(sets)]
    for kind, slot, body in SCRIPT:
        done = client.post(
            f"/api/v1/assets/{live[slot]}/{kind}", json=body, headers=bearer("operator")
        )
        assert done.status_code == 200, done.get_json()
    rt_outage.down()
    for kind, slot, body in SCRIPT:
        for devices in held_back:
            url = f"/api/v1/assets/{devices[slot]}/{kind}"
            queued = client.post(url, json=body, headers=bearer("operator"))
            assert queued.status_code == 202, queued.get_json()
    rt_outage.up()
    return container, live, held_back


def check_applied_once(rt_server, rt_backend, container, live, held_back) -> None:
    """Every operation done, RT as the live writes made it, one event per operation."""
    store = container.outbox.outbox_store()
    operations = store.operations(limit=1000)
    assert {o.state for o in operations} == {"done"}, [
        (o.id, o.state, o.reason) for o in operations
    ]
    loans = container.loans.loan_service()
    requests = Counter(e.request_id for e in loans.events())
    assert all(requests[o.request_id] == 1 for o in operations), "an operation was logged twice"
    for devices in held_back:
        for slot, (mine, twin) in enumerate(zip(devices, live, strict=True)):
            assert held(rt_server, rt_backend, mine) == held(rt_server, rt_backend, twin), slot
            events = loans.events(LoanFilter(asset_id=mine))
            assert len(events) == len(loans.events(LoanFilter(asset_id=twin))), slot


def test_a_worker_killed_halfway_through_the_replay_leaves_nothing_undone_or_done_twice(
    rt_server, rt_backend, rt_outage, tmp_path, children
):
    folder = tmp_path / "state"
    container, live, held_back = queue_script(rt_server, rt_outage, folder, sets=2)
    total = 2 * len(SCRIPT)
    store = container.outbox.outbox_store()

    def done() -> int:
        return sum(o.state == "done" for o in store.operations(limit=1000))

    env = child_env(rt_server, folder)
    first = children(["rtutils_web.cli", "worker"], env, tmp_path / "worker-1.log")
    wait_until("a third of the replay", lambda: done() >= total // 3)
    first.send_signal(signal.SIGKILL)
    first.wait()
    at_kill = done()
    assert at_kill < total, "the worker finished before it was killed"
    second = children(["rtutils_web.cli", "worker"], env, tmp_path / "worker-2.log")
    wait_until("the rest of the replay", lambda: done() == total)
    second.send_signal(signal.SIGTERM)
    assert second.wait(timeout=WAIT) == 0
    check_applied_once(rt_server, rt_backend, container, live, held_back)
    log = (tmp_path / "worker-2.log").read_text()
    assert "outbox_drain_started" in log and "outbox_drain_finished" in log


def test_two_instances_on_postgres_drain_one_outbox_each_operation_once(
    rt_server, rt_backend, rt_outage, tmp_path, children, pg_url
):
    folder = tmp_path / "queued-here"
    container, live, held_back = queue_script(
        rt_server, rt_outage, folder, sets=2, STORE_URL=pg_url
    )
    go = tmp_path / "go"
    drainers = [
        children(
            ["tests.process.outbox_drainer", str(go)],
            child_env(rt_server, tmp_path / f"instance-{n}", STORE_URL=pg_url),
            tmp_path / f"drainer-{n}.log",
            answers=True,
        )
        for n in (1, 2)
    ]
    go.touch()
    results = []
    for proc in drainers:
        out, _ = proc.communicate(timeout=WAIT)
        assert proc.returncode == 0, (tmp_path / "drainer-1.log").read_text()[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["applied"] for r in results) == 2 * len(SCRIPT)
    assert all(r["applied"] > 0 for r in results), f"one instance did it all: {results}"
    check_applied_once(rt_server, rt_backend, container, live, held_back)
    owners = [rt_backend.get_asset(a).owner for a in held_back[0]]
    assert owners == expected_owners()
