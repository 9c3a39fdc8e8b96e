"""The JobStore contract: the in-memory fake, SQLite (real files) and PostgreSQL (a real server
from tests/pg_harness.py, a fresh database per test) behave the same."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, datetime, timedelta

import pytest

from rtutils_adapters.memory.jobs import MemoryJobStore
from rtutils_adapters.postgres import PostgresJobStore
from rtutils_adapters.sqlite.jobs import SqliteJobStore
from rtutils_core.errors import JobNotFound
from rtutils_core.jobs import JobEnd, JobReport, Progress
from rtutils_core.jobs.ports import JobStore

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_store(request, tmp_path):
    """Builds stores of one kind; for SQLite and PostgreSQL, every call opens the same file
    or database again."""

    shared = MemoryJobStore()

    def make() -> JobStore:
        if request.param == "memory":
            return shared
        if request.param == "postgres":
            store = PostgresJobStore(request.getfixturevalue("pg_url"))
            request.addfinalizer(store.close)
            return store
        return SqliteJobStore(tmp_path / "jobs.sqlite3")

    return make


@pytest.fixture
def store(make_store) -> JobStore:
    return make_store()


def running(store: JobStore, worker: str = "w1", lease: float = 30, kind: str = "import"):
    job = store.create(kind, {"file": "a.csv"}, now=at(0))
    claimed = store.claim(job.id, worker, now=at(1), lease_until=at(1 + lease))
    assert claimed is not None
    return claimed


def test_a_new_job_is_queued_with_its_params_and_times(store):
    job = store.create("import", {"rows": [1, 2], "name": "x"}, now=at(0), schedule="nightly")
    again = store.get(job.id)
    assert again == job
    assert (job.kind, job.state, job.params, job.schedule) == (
        "import",
        "queued",
        {"rows": [1, 2], "name": "x"},
        "nightly",
    )
    assert (job.created, job.updated, job.progress, job.attempts) == (at(0), at(0), Progress(), 0)
    assert (job.result, job.error, job.checkpoint, job.cancel_requested) == (
        None,
        None,
        None,
        False,
    )


def test_ids_are_unique_and_an_unknown_id_is_job_not_found(store):
    ids = {store.create("k", {}, now=at(0)).id for _ in range(20)}
    assert len(ids) == 20
    with pytest.raises(JobNotFound, match="nope"):
        store.get("nope")


def test_list_is_newest_first_filtered_by_kind_and_state_and_limited(store):
    a = store.create("import", {}, now=at(0))
    b = store.create("print", {}, now=at(0))
    c = store.create("import", {}, now=at(0))
    store.claim(c.id, "w1", now=at(1), lease_until=at(30))
    assert [j.id for j in store.list()] == [c.id, b.id, a.id]
    assert [j.id for j in store.list(kind="import")] == [c.id, a.id]
    assert [j.id for j in store.list(states=["queued"])] == [b.id, a.id]
    assert [j.id for j in store.list(kind="import", states=["running"])] == [c.id]
    assert [j.id for j in store.list(limit=1)] == [c.id]


def test_only_one_claim_wins_and_a_finished_job_is_not_claimed_again(store):
    job = running(store)
    assert (job.state, job.worker, job.attempts, job.lease_until) == ("running", "w1", 1, at(31))
    assert store.claim(job.id, "w2", now=at(2), lease_until=at(40)) is None
    assert store.finish(job.id, "w1", JobEnd.succeeded({"rows": 2}), now=at(3))
    assert store.claim(job.id, "w2", now=at(4), lease_until=at(40)) is None
    done = store.get(job.id)
    assert (done.state, done.result, done.lease_until, done.updated) == (
        "succeeded",
        {"rows": 2},
        None,
        at(3),
    )


def test_progress_and_checkpoint_are_stored_together_and_renew_the_lease(store):
    job = running(store)
    assert store.report(job.id, "w1", JobReport(at(5), at(50), Progress(3, 10), {"i": 3}))
    assert store.report(job.id, "w1", JobReport(at(6), at(60)))  # a heartbeat only
    seen = store.get(job.id)
    assert (seen.progress, seen.checkpoint, seen.lease_until, seen.updated) == (
        Progress(3, 10),
        {"i": 3},
        at(60),
        at(6),
    )


def test_a_worker_that_lost_its_claim_changes_nothing(store):
    job = running(store, lease=5)
    assert [j.id for j in store.interrupt_expired(now=at(7))] == [job.id]
    taken = store.claim(job.id, "w2", now=at(8), lease_until=at(40))
    assert (taken.worker, taken.attempts) == ("w2", 2)
    assert not store.report(job.id, "w1", JobReport(at(9), at(99), Progress(9)))
    assert not store.finish(job.id, "w1", JobEnd.failed("late"), now=at(9))
    seen = store.get(job.id)
    assert (seen.state, seen.worker, seen.progress, seen.error) == (
        "running",
        "w2",
        Progress(),
        None,
    )


def test_only_expired_leases_are_interrupted_and_their_checkpoint_stays(store):
    short = running(store, "w1", lease=5)
    long = running(store, "w2", lease=100)
    store.report(short.id, "w1", JobReport(at(2), at(6), checkpoint={"i": 4}))
    assert store.interrupt_expired(now=at(5)) == []
    interrupted = store.interrupt_expired(now=at(7))
    assert [(j.id, j.state, j.checkpoint) for j in interrupted] == [
        (short.id, "interrupted", {"i": 4})
    ]
    assert store.interrupt_expired(now=at(8)) == []
    assert store.get(long.id).state == "running"
    resumed = store.claim(short.id, "w3", now=at(9), lease_until=at(40))
    assert (resumed.checkpoint, resumed.attempts) == ({"i": 4}, 2)


def test_fail_ends_a_waiting_job_but_never_a_running_or_finished_one(store):
    waiting = store.create("k", {}, now=at(0))
    assert store.fail(waiting.id, "lost", now=at(1))
    assert (store.get(waiting.id).state, store.get(waiting.id).error) == ("failed", "lost")
    job = running(store)
    assert not store.fail(job.id, "lost", now=at(2))
    assert not store.fail(waiting.id, "again", now=at(3))
    assert store.get(waiting.id).error == "lost"


def test_cancel_fails_a_waiting_job_at_once_and_tells_a_running_one(store):
    waiting = store.create("k", {}, now=at(0))
    cancelled = store.request_cancel(waiting.id, now=at(1))
    assert (cancelled.state, cancelled.error, cancelled.cancel_requested) == (
        "failed",
        "cancelled",
        True,
    )
    assert store.claim(waiting.id, "w1", now=at(2), lease_until=at(30)) is None
    job = running(store)
    assert store.request_cancel(job.id, now=at(3)).state == "running"
    # Told through the next report, which still stores what it carries.
    assert not store.report(job.id, "w1", JobReport(at(4), at(40), Progress(1)))
    assert store.get(job.id).progress == Progress(1)
    assert store.finish(job.id, "w1", JobEnd.failed("cancelled"), now=at(5))
    with pytest.raises(JobNotFound):
        store.request_cancel("nope", now=at(6))


def test_stale_waiting_jobs_are_handed_back_once_per_wait(store):
    old = store.create("k", {}, now=at(0))
    store.create("k", {}, now=at(100))
    running(store)
    assert [j.id for j in store.touch_stale(before=at(50), now=at(200))] == [old.id]
    assert store.touch_stale(before=at(50), now=at(201)) == []
    assert store.get(old.id).updated == at(200)


def test_a_schedule_slot_is_claimed_once(store):
    assert store.claim_slot("autotag", 7, now=at(0))
    assert not store.claim_slot("autotag", 7, now=at(1))
    assert store.claim_slot("autotag", 8, now=at(1))
    assert store.claim_slot("other", 7, now=at(1))


def test_concurrent_claims_from_threads_and_connections_give_one_winner(make_store):
    job = make_store().create("k", {}, now=at(0))
    winners, slots = [], []
    barrier = threading.Barrier(8)

    def contend(n: int) -> None:
        store = make_store()
        barrier.wait()
        if store.claim(job.id, f"w{n}", now=at(1), lease_until=at(30)):
            winners.append(n)
        if store.claim_slot("s", 1, now=at(1)):
            slots.append(n)

    threads = [threading.Thread(target=contend, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1
    assert len(slots) == 1


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    store = SqliteJobStore.in_dir(tmp_path)
    store.create("k", {"student": 42}, now=at(0))
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    reopened = SqliteJobStore(tmp_path / "jobs.sqlite3")
    assert reopened.list()[0].params == {"student": 42}
