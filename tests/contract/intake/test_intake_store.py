"""The IntakeStore and TagBinding contracts: in memory, in real SQLite files and in a real
PostgreSQL (tests/pg_harness.py, a fresh database per test) alike."""

from __future__ import annotations

import multiprocessing
import os
import stat
from datetime import timedelta
from pathlib import Path

import pytest
from tests.intake_world import Clock

from rtutils_adapters.memory import MemoryIntakeStore
from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_adapters.postgres import PostgresIntakeStore, PostgresTagStore
from rtutils_adapters.sqlite import SqliteIntakeStore, SqliteNewAssetTagStore
from rtutils_core.errors import TagConflict
from rtutils_core.intake.ports import IntakeStore, NewAssetTagStore
from rtutils_core.tags import TagFormat
from rtutils_core.tags.event_query import EventQuery

W12 = TagFormat("W12-", 5)
WHO = {"actor": "desk:ann", "request_id": "req-1"}


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def where(request, kind, tmp_path) -> str:
    """The PostgreSQL database or the folder of the SQLite files of this test."""
    return request.getfixturevalue("pg_url") if kind == "postgres" else str(tmp_path)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_store(request, kind, where, clock):
    def make() -> IntakeStore:
        if kind == "memory":
            return MemoryIntakeStore(clock)
        if kind == "postgres":
            store = PostgresIntakeStore(where, clock=clock)
            request.addfinalizer(store.close)
            return store
        return SqliteIntakeStore(Path(where) / "intake.sqlite3", clock=clock)

    return make


@pytest.fixture
def store(make_store) -> IntakeStore:
    return make_store()


@pytest.fixture
def tags(request, kind, where) -> NewAssetTagStore:
    if kind == "memory":
        return MemoryTagStore()
    if kind == "postgres":
        store = PostgresTagStore(where)
        request.addfinalizer(store.close)
        return store
    return SqliteNewAssetTagStore(Path(where) / "tags.sqlite3")


def test_both_implement_the_ports(store, tags):
    assert isinstance(store, IntakeStore)
    assert isinstance(tags, NewAssetTagStore)


def test_a_new_key_claims_its_serial_and_opening_again_renews_it(store, clock):
    sub = store.open("k1", "S1", "fp1", lease=0)
    assert (sub.key, sub.serial, sub.fingerprint, sub.state) == ("k1", "S1", "fp1", "pending")
    assert sub.opened_at == clock.now and sub.stand_in == -sub.id < 0
    clock.advance(60)
    again = store.open("k1", "S1", "fp1", lease=0)
    assert again.id == sub.id and again.opened_at == clock.now
    assert store.get("k1") == again and store.get("k2") is None


def test_a_pending_submission_is_worked_on_by_one_caller_at_a_time(store, clock):
    first = store.open("k1", "S1", "fp", lease=60)
    assert first.busy_until == clock.now + timedelta(seconds=60) and not first.in_progress
    clock.advance(10)
    busy = store.open("k1", "S1", "fp", lease=60)
    assert busy.in_progress and busy.opened_at == first.opened_at
    store.release("k1")
    again = store.open("k1", "S1", "fp", lease=60)
    assert not again.in_progress and again.opened_at == clock.now
    clock.advance(61)  # its caller died: the lease runs out
    assert not store.open("k1", "S1", "fp", lease=60).in_progress
    done = store.mark_created("k1", 5, "W12-00001", "Brave Otter")
    assert done.busy_until is None
    assert store.open("k1", "S1", "fp", lease=60) == done


def test_another_key_for_a_claimed_serial_gets_the_holder(store):
    held = store.open("k1", "S1", "fp1", lease=0)
    other = store.open("k2", "S1", "fp2", lease=0)
    assert other == held
    assert store.get("k2") is None


def test_a_known_key_answers_with_its_own_submission_whatever_serial_comes(store):
    held = store.open("k1", "S1", "fp1", lease=0)
    assert store.open("k1", "S2", "fp2", lease=0) == held
    assert store.open("k3", "S2", "fp3", lease=0).key == "k3"  # S2 was never claimed by k1


def test_ids_are_never_reused_after_abandon(store):
    first = store.open("k1", "S1", "fp", lease=0)
    store.abandon("k1")
    assert store.get("k1") is None
    second = store.open("k2", "S1", "fp", lease=0)
    assert second.id > first.id and second.key == "k2"


def test_names_are_unique_without_regard_to_case_and_move_with_their_submission(store):
    store.open("k1", "S1", "fp", lease=0)
    store.open("k2", "S2", "fp", lease=0)
    assert store.claim_name("k1", "Brave Otter")
    assert store.claim_name("k1", "Brave Otter")  # its own again
    assert not store.claim_name("k2", "brave otter")
    assert store.get("k1").internal_name == "Brave Otter"
    assert store.claim_name("k1", "Calm Heron")  # gives the first one up
    assert store.claim_name("k2", "BRAVE OTTER")
    store.release_name("k1", "Calm Heron")
    assert store.get("k1").internal_name == ""
    assert store.claim_name("k2", "Calm Heron")


def test_created_submissions_keep_their_serial_and_name_for_good(store):
    store.open("k1", "S1", "fp", lease=0)
    store.claim_name("k1", "Brave Otter")
    done = store.mark_created("k1", 42, "W12-00001", "Brave Otter")
    assert (done.state, done.asset_id, done.tag, done.internal_name) == (
        "created",
        42,
        "W12-00001",
        "Brave Otter",
    )
    store.abandon("k1")  # refused quietly: it exists in the backend
    assert store.open("k2", "S1", "fp2", lease=0) == done
    store.open("k3", "S3", "fp3", lease=0)
    assert not store.claim_name("k3", "brave otter")


def test_abandon_frees_the_serial_and_the_name(store):
    store.open("k1", "S1", "fp", lease=0)
    store.claim_name("k1", "Brave Otter")
    store.abandon("k1")
    store.open("k2", "S1", "fp", lease=0)
    assert store.claim_name("k2", "Brave Otter")


def test_the_sqlite_file_is_private_and_survives_reopening(tmp_path):
    SqliteIntakeStore.in_dir(tmp_path).open("k1", "S1", "fp", lease=0)
    assert stat.S_IMODE(os.stat(tmp_path / "intake.sqlite3").st_mode) == 0o600
    assert SqliteIntakeStore.in_dir(tmp_path).get("k1").serial == "S1"


def _open(where: str) -> IntakeStore:
    if where.startswith("postgresql://"):
        return PostgresIntakeStore(where)
    return SqliteIntakeStore(Path(where) / "intake.sqlite3")


def _claim(where: str, n: int, start) -> str:
    start.wait()
    return _open(where).open(f"key-{n}", "SAME", "fp", lease=60).key


@pytest.mark.parametrize("kind", ["sqlite", "postgres"], indirect=True)
def test_processes_racing_for_one_serial_leave_it_to_one_key(where):
    _open(where)
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        start = manager.Barrier(4)
        with ctx.Pool(4) as pool:
            keys = pool.starmap(_claim, [(where, n, start) for n in range(4)])
    assert len(set(keys)) == 1


# -- TagBinding: numbers held for assets about to be created -----------------------------


def test_a_number_held_for_a_stand_in_goes_to_the_new_asset(tags):
    held = tags.reserve(W12, -7, **WHO)
    assert tags.bind(held, 501, actor="desk:ann", request_id="req-2", detail="created")
    assert tags.reservation_for("W12-", -7) is None
    mine = tags.reservation_for("W12-", 501)
    assert (mine.tag, mine.state) == ("W12-00001", "assigned")
    latest = tags.events(EventQuery(limit=1))[0]
    assert (latest.state, latest.asset_id, latest.request_id, latest.detail) == (
        "assigned",
        501,
        "req-2",
        "created",
    )
    assert not tags.bind(held, 501, **WHO)  # once only
    assert len(tags.events()) == 2


def test_a_number_goes_to_one_asset_only(tags):
    held = tags.reserve(W12, -7, **WHO)
    tags.bind(held, 501, **WHO)
    with pytest.raises(TagConflict):
        tags.bind(held, 502, **WHO)
    voided = tags.reserve(W12, -8, **WHO)
    tags.record(voided, "voided", **WHO)
    with pytest.raises(TagConflict):
        tags.bind(voided, 503, **WHO)
    other = tags.reserve(W12, -9, **WHO)
    with pytest.raises(TagConflict):  # 501 holds a W12- number already
        tags.bind(other, 501, **WHO)
    assert tags.reservation_for("W12-", -9).state == "reserved"


def _open_and_exit(path: str) -> int:
    SqliteIntakeStore(Path(path)).open("k1", "S1", "fp", lease=600)
    return os.getpid()


def test_a_lease_ends_with_the_process_that_held_it(tmp_path):
    path = str(tmp_path / "intake.sqlite3")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        pool.apply(_open_and_exit, (path,))
    # The pool's process is gone (killed, as an import may be): its lease ends with it.
    store = SqliteIntakeStore(Path(path))
    assert not store.open("k1", "S1", "fp", lease=600).in_progress
    assert store.open("k1", "S1", "fp", lease=600).in_progress  # this one lives on
