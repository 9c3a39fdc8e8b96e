"""Real processes sharing one tag database: concurrency and a SIGKILL mid-issue.

Every test runs on both tag stores: one SQLite file, and one PostgreSQL database of the
server from tests/pg_harness.py (the processes stand for instances of the service, each
with its own connection pool). The SIGKILL story runs against the FileBackend and against
the real RT 5 (tests/rt_harness.py).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from attrs import define, field
from tests.conftest import ROOT
from tests.process.file_backend import FileBackend
from tests.rt_harness import STUDENT_DEVICES, RTServer, unique_name

from rtutils_adapters.postgres import PostgresTagStore
from rtutils_adapters.rt import RTRestBackend
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.assets import AssetDraft
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.ports import TagStore

pytestmark = pytest.mark.slow

WORKERS = 8
ISSUES_PER_WORKER = 50


@define
class Store:
    """The tag store the workers share: ``where`` is what a worker is given to open it."""

    where: str
    opened: list[PostgresTagStore] = field(factory=list)

    def open(self) -> TagStore:
        if self.where.startswith("postgresql://"):
            self.opened.append(PostgresTagStore(self.where))
            return self.opened[-1]
        return SqliteTagStore(Path(self.where))


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        where = str(tmp_path / "tags.sqlite3")
    else:
        where = request.getfixturevalue("pg_url")
    shared = Store(where)
    yield shared
    for opened in shared.opened:
        opened.close()


def start_worker(
    tmp: Path,
    store: Store,
    request_id: str,
    asset_ids,
    *options: str,
    backend: str | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen:
    """A tag_worker on ``store`` and, unless ``backend`` says otherwise, ``tmp``'s FileBackend."""
    env = {
        **os.environ,
        **(env or {}),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.process.tag_worker",
            store.where,
            backend or str(tmp / "backend.sqlite3"),
            request_id,
            *map(str, asset_ids),
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def results(proc: subprocess.Popen, timeout: float = 120) -> list[dict]:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return [json.loads(line) for line in out.splitlines()]


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()[1]
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.02)


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert proc.returncode == -signal.SIGKILL


def test_eight_processes_issue_400_distinct_consecutive_tags(tmp_path, store):
    total = WORKERS * ISSUES_PER_WORKER
    # Assets 1..400 need tags; asset 401 was renamed by hand to a tag the sequence will reach.
    backend = FileBackend.create(
        tmp_path / "backend.sqlite3", [*(f"Device {n}" for n in range(total)), "W12-00100"]
    )
    store.open()  # the service created it at start-up
    go = tmp_path / "go"
    workers = [
        start_worker(
            tmp_path,
            store,
            f"worker-{w}",
            range(w * ISSUES_PER_WORKER + 1, (w + 1) * ISSUES_PER_WORKER + 1),
            "--go",
            str(go),
        )
        for w in range(WORKERS)
    ]
    go.touch()
    issued = [line for proc in workers for line in results(proc)]

    assert len(issued) == total and {i["status"] for i in issued} == {"assigned"}
    names = backend.names()
    assert names.pop(total + 1) == "W12-00100"
    assert {i["asset_id"]: i["tag"] for i in issued} == names
    numbers = sorted(int(name.removeprefix("W12-")) for name in names.values())
    assert numbers == [n for n in range(1, total + 2) if n != 100]  # distinct, consecutive

    log = store.open().events(EventQuery(limit=None))
    assert Counter(e.state for e in log) == {"reserved": total + 1, "assigned": total, "skipped": 1}
    by_number = {e.number: e.state for e in log if e.state in ("assigned", "skipped")}
    assert sorted(by_number) == list(range(1, total + 2))  # the only gap is a logged skip
    assert by_number[100] == "skipped"
    assert {e.asset_id: e.tag for e in log if e.state == "assigned"} == names
    assert store.open().peek_next("W12-") == total + 2
    # The workers really overlapped: in number order, the reserving worker changes often.
    reservers = [e.request_id for e in sorted(log, key=lambda e: e.id) if e.state == "reserved"]
    assert sum(a != b for a, b in itertools.pairwise(reservers)) > 2 * WORKERS


@define
class CrashBackend:
    """Two untagged assets in a backend that worker processes reach by ``where``."""

    where: str
    ids: tuple[int, int]
    names: Callable[[], dict[int, str]]
    prefix: str = "W12-"
    env: Mapping[str, str] = field(factory=dict)


@pytest.fixture
def file_crash_backend(tmp_path: Path) -> CrashBackend:
    backend = FileBackend.create(tmp_path / "backend.sqlite3", ["Device 1", "Device 2"])
    return CrashBackend(str(backend.path), (1, 2), backend.names)


@pytest.fixture
def rt_crash_backend(rt_server: RTServer, rt_backend: RTRestBackend) -> CrashBackend:
    names = (unique_name("Device"), unique_name("Device"))
    loaded = rt_server.insert_assets([(AssetDraft(n, STUDENT_DEVICES), ()) for n in names])
    ids = (loaded[names[0]], loaded[names[1]])
    return CrashBackend(
        rt_server.url,
        ids,
        lambda: {i: rt_backend.get_asset(i).name for i in ids},
        prefix=f"K{uuid.uuid4().hex[:6].upper()}-",  # RT is shared: a prefix of its own
        env={"RT_TOKEN": rt_server.token.reveal()},
    )


@pytest.mark.parametrize("pause", ["before-write", "after-write"])
@pytest.mark.parametrize("kind", ["file", pytest.param("rt", marks=pytest.mark.rt)])
def test_a_process_killed_mid_issue_leaves_the_tag_to_its_asset(
    request, tmp_path, store, kind, pause
):
    backend: CrashBackend = request.getfixturevalue(f"{kind}_crash_backend")
    first, second = backend.ids
    before = backend.names()
    tag1, tag2 = f"{backend.prefix}00001", f"{backend.prefix}00002"

    def worker(request_id: str, asset_id: int, *options: str) -> subprocess.Popen:
        return start_worker(
            tmp_path,
            store,
            request_id,
            [asset_id],
            "--prefix",
            backend.prefix,
            *options,
            backend=backend.where,
            env=backend.env,
        )

    marker = tmp_path / "paused"
    doomed = worker("req-killed", first, "--pause", pause, "--marker", str(marker))
    wait_for(marker, doomed)
    kill(doomed)

    tags = store.open()
    assert [(e.state, e.tag, e.asset_id) for e in tags.events()] == [("reserved", tag1, first)]
    written = pause == "after-write"
    assert backend.names()[first] == (tag1 if written else before[first])

    # Meanwhile another asset is tagged: it never gets the number held for the first one.
    assert results(worker("req-other", second))[0]["tag"] == tag2
    # The retry for the first asset finishes with the same tag, once.
    (retry,) = results(worker("req-retry", first))

    assert (retry["tag"], retry["status"]) == (tag1, "assigned")
    assert backend.names() == {first: tag1, second: tag2}
    story = [(e.state, e.request_id) for e in reversed(tags.events(EventQuery(asset_id=first)))]
    assert story == [("reserved", "req-killed"), ("assigned", "req-retry")]
    detail = tags.events(EventQuery(asset_id=first))[0].detail
    assert ("earlier write went through" if written else "request req-killed finished") in detail
    assert tags.peek_next(backend.prefix) == 3


def test_processes_racing_for_the_same_assets_give_each_one_tag(tmp_path, store):
    assets = list(range(1, 31))
    backend = FileBackend.create(tmp_path / "backend.sqlite3", [f"Device {n}" for n in assets])
    store.open()
    go = tmp_path / "go"
    orders = [assets, assets[::-1], assets[15:] + assets[:15], assets[::2] + assets[1::2]]
    racers = [
        start_worker(tmp_path, store, f"racer-{n}", order, "--go", str(go))
        for n, order in enumerate(orders)
    ]
    go.touch()
    answers = [line for proc in racers for line in results(proc)]

    names = backend.names()
    assert sorted(int(name.removeprefix("W12-")) for name in names.values()) == assets
    assert all(a["tag"] == names[a["asset_id"]] for a in answers)  # every racer was told so
    log = store.open().events(EventQuery(limit=None))
    assert Counter(e.state for e in log) == {"reserved": 30, "assigned": 30}


def test_a_process_killed_mid_burst_then_a_retry_of_every_asset(tmp_path, store):
    total = WORKERS * ISSUES_PER_WORKER
    backend = FileBackend.create(
        tmp_path / "backend.sqlite3", [f"Device {n}" for n in range(total)]
    )
    store.open()
    go = tmp_path / "go"
    chunks = [
        range(w * ISSUES_PER_WORKER + 1, (w + 1) * ISSUES_PER_WORKER + 1) for w in range(WORKERS)
    ]
    workers = [
        start_worker(tmp_path, store, f"burst-{w}", chunk, "--go", str(go))
        for w, chunk in enumerate(chunks)
    ]
    go.touch()
    doomed = workers[0]
    for _ in range(10):  # let it get well into its burst, with the others running too
        assert doomed.stdout.readline()
    kill(doomed)
    for proc in workers[1:]:
        results(proc)

    # After the crash, every asset is asked for its tag once more.
    retry = results(start_worker(tmp_path, store, "retry", range(1, total + 1)), timeout=300)

    names = backend.names()
    assert {line["asset_id"]: line["tag"] for line in retry} == names  # one tag per asset
    assert len(set(names.values())) == total  # one asset per tag
    assert sorted(int(n.removeprefix("W12-")) for n in names.values()) == list(range(1, total + 1))
    log = store.open().events(EventQuery(limit=None))
    reserved = Counter(e.asset_id for e in log if e.state == "reserved")
    assert set(reserved.values()) == {1}  # the killed one's numbers stayed with their assets
    assigned = {e.asset_id: e.tag for e in log if e.state == "assigned"}
    assert assigned == names
