"""The print job store: the same contract for the fake in memory, the SQLite file and
PostgreSQL (a real server from tests/pg_harness.py, a fresh database per test)."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime, timedelta

import pytest

from rtutils_adapters.memory import MemoryPrintJobStore
from rtutils_adapters.postgres import PostgresPrintJobStore
from rtutils_adapters.sqlite import SqlitePrintJobStore
from rtutils_core.errors import PrintJobConflict, PrintJobNotFound
from rtutils_core.printing.ports import PrintJobStore
from rtutils_core.printing.print_jobs import PrintItem, PrintJob

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def job(job_id: str, minutes: int = 0, **changes) -> PrintJob:
    at = T0 + timedelta(minutes=minutes)
    values = {
        "id": job_id,
        "printer": "desk",
        "template": "large",
        "items": [PrintItem(7, "W12-00007"), PrintItem(8, "W12-00008")],
        "created_at": at,
        "updated_at": at,
        **changes,
    }
    return PrintJob(**values)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request, tmp_path) -> PrintJobStore:
    if request.param == "memory":
        return MemoryPrintJobStore()
    if request.param == "postgres":
        opened = PostgresPrintJobStore(request.getfixturevalue("pg_url"))
        request.addfinalizer(opened.close)
        return opened
    return SqlitePrintJobStore.in_dir(tmp_path)


def test_a_job_reads_back_exactly_as_stored(store):
    original = job("a1", copies=2, actor="desk-1", skipped=["W12-00099", "asset 4: no tag yet"])
    store.add(original)
    assert store.get("a1") == original
    assert isinstance(store, PrintJobStore)


def test_an_unknown_job_is_not_found(store):
    with pytest.raises(PrintJobNotFound, match="'nope'"):
        store.get("nope")
    with pytest.raises(PrintJobNotFound):
        store.replace(job("nope"), expect="queued")


def test_the_same_id_cannot_be_added_twice(store):
    store.add(job("a1"))
    with pytest.raises(PrintJobConflict):
        store.add(job("a1", printer="other"))
    assert store.get("a1").printer == "desk"


def test_replace_only_moves_a_job_from_the_expected_state(store):
    store.add(job("a1"))
    sending = store.get("a1").moved("sending", T0 + timedelta(seconds=1), attempts=1)
    store.replace(sending, expect="queued")
    with pytest.raises(PrintJobConflict, match="is sending, not queued"):
        store.replace(sending, expect="queued")
    failed = sending.moved("failed", T0 + timedelta(seconds=2), printed=1, reason="jammed")
    store.replace(failed, expect="sending")
    assert store.get("a1") == failed


def test_only_one_of_many_workers_takes_a_queued_job(store):
    store.add(job("a1"))
    queued = store.get("a1")
    winners = []

    def take(n: int) -> None:
        try:
            store.replace(queued.moved("sending", T0, actor=f"worker-{n}"), expect="queued")
        except PrintJobConflict:
            return
        winners.append(n)

    threads = [threading.Thread(target=take, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(winners) == 1
    assert store.get("a1").actor == f"worker-{winners[0]}"


def test_recent_is_newest_first_and_filters_by_state(store):
    for n in range(5):
        store.add(job(f"j{n}", minutes=n))
    store.add(job("same-minute", minutes=4))
    store.replace(store.get("j1").moved("sending", T0), expect="queued")
    assert [j.id for j in store.recent(limit=3)] == ["same-minute", "j4", "j3"]
    assert [j.id for j in store.recent(limit=None, states=("sending",))] == ["j1"]
    assert len(store.recent(limit=None)) == 6


def test_the_sqlite_file_is_private_and_survives_a_reopen(tmp_path):
    store = SqlitePrintJobStore.in_dir(tmp_path)
    store.add(job("a1"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert SqlitePrintJobStore.in_dir(tmp_path).get("a1") == job("a1")
