"""The outbox store's contract: the in-memory fake, SQLite (real files) and PostgreSQL (a real
server from tests/pg_harness.py, a fresh database per test) behave the same, and claims by
many threads at once hand each operation to one worker only."""

from __future__ import annotations

import stat
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from rtutils_adapters.memory.outbox import MemoryKnownAssets, MemoryOutbox
from rtutils_adapters.postgres.outbox import PostgresOutbox
from rtutils_adapters.sqlite.outbox import SqliteOutbox
from rtutils_core.assets import Asset
from rtutils_core.errors import IdempotencyKeyReused, OperationNotFound, OutboxConflict
from rtutils_core.outbox import Depth, Operation

T0 = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_store(request, tmp_path):
    """Builds stores of one kind; SQLite and PostgreSQL open the same file or database."""
    shared = (MemoryOutbox(), MemoryKnownAssets())

    def make():
        if request.param == "memory":
            return shared
        if request.param == "postgres":
            store = PostgresOutbox(request.getfixturevalue("pg_url"))
            request.addfinalizer(store.close)
            return store, store
        store = SqliteOutbox(tmp_path / "outbox.sqlite3")
        request.addfinalizer(store.close)
        return store, store

    return make


@pytest.fixture
def store(make_store):
    return make_store()[0]


@pytest.fixture
def known(make_store):
    return make_store()[1]


def op(asset_id: int, key: str, kind: str = "check-in", **payload) -> Operation:
    return Operation(kind, asset_id, f"W12-{asset_id:05d}", key, "desk", f"r-{key}", payload)


def claim(store, worker: str = "w1", now: float = 10, lease: float = 30):
    return store.claim(worker, now=at(now), lease_until=at(now + lease))


def test_an_operation_is_stored_in_order_with_everything_it_was_given(store):
    first, new = store.add(op(7, "k1", note="cracked", damages=["battery"]), now=at(0))
    second, _ = store.add(op(8, "k2", "check-out", person="li.wei"), now=at(1), steps={"a": 1})
    assert new and second.id > first.id
    again = store.get(first.id)
    assert again == first and again.payload == {"note": "cracked", "damages": ["battery"]}
    assert (again.state, again.accepted, again.attempts, again.forced) == (
        "queued",
        at(0),
        0,
        False,
    )
    assert store.get(second.id).steps == {"a": 1}
    assert store.by_key("k2") == second and store.by_key("nope") is None
    assert [o.id for o in store.operations()] == [first.id, second.id]
    assert [o.id for o in store.operations(asset_id=8)] == [second.id]
    with pytest.raises(OperationNotFound):
        store.get(999)


def test_the_same_key_gives_the_same_operation_and_another_request_under_it_is_refused(store):
    first, _ = store.add(op(7, "k1"), now=at(0))
    again, new = store.add(op(7, "k1"), now=at(5))
    assert (again, new) == (first, False)
    with pytest.raises(IdempotencyKeyReused):
        store.add(op(8, "k1"), now=at(6))
    assert len(store.operations()) == 1


def test_positions_and_depth_count_what_still_waits(store):
    ids = [store.add(op(n, f"k{n}"), now=at(n)).__getitem__(0).id for n in (1, 2, 3)]
    assert [store.position(i) for i in ids] == [1, 2, 3]
    assert store.depth() == Depth(3, 0, at(1))
    claimed = claim(store)
    store.finish(claimed.id, "w1", "done", now=at(20), result={"outcome": "checked-in"})
    assert [store.position(i) for i in ids] == [0, 1, 2]
    claimed = claim(store)
    store.finish(claimed.id, "w1", "needs-attention", now=at(21), reason="held by zoe")
    assert store.depth() == Depth(1, 1, at(3))
    assert store.get(ids[0]).result == {"outcome": "checked-in"}
    assert store.get(ids[1]).reason == "held by zoe"


def test_claims_go_in_order_one_operation_of_a_device_at_a_time(store):
    a1 = store.add(op(1, "a1"), now=at(0))[0]
    a2 = store.add(op(1, "a2"), now=at(1))[0]
    b1 = store.add(op(2, "b1"), now=at(2))[0]
    first = claim(store, "w1")
    assert (first.id, first.state, first.worker, first.attempts) == (a1.id, "replaying", "w1", 1)
    assert claim(store, "w2").id == b1.id  # a2 waits for a1 of the same device
    assert claim(store, "w3") is None
    store.finish(a1.id, "w1", "needs-attention", now=at(11), reason="x")
    assert claim(store, "w3") is None, "a device's later operation went ahead of one set aside"
    settled = store.settle(a1.id, "drop", by="admin", now=at(12))
    assert (settled.state, settled.settled_by, settled.reason) == ("dropped", "admin", "x")
    assert claim(store, "w3").id == a2.id


def test_a_lost_worker_keeps_nothing_and_its_operation_is_claimed_again_after_its_lease(store):
    queued = store.add(op(1, "a1"), now=at(0))[0]
    claim(store, "w1", now=10, lease=30)
    assert claim(store, "w2", now=39) is None
    taken = claim(store, "w2", now=41)
    assert (taken.id, taken.worker, taken.attempts) == (queued.id, "w2", 2)
    assert not store.keep_steps(queued.id, "w1", {"x": 1}, now=at(42), lease_until=at(72))
    assert not store.finish(queued.id, "w1", "done", now=at(42))
    assert store.keep_steps(queued.id, "w2", {"written_from": "7"}, now=at(42), lease_until=at(72))
    assert store.get(queued.id).steps == {"written_from": "7"}
    assert claim(store, "w3", now=60) is None, "the kept steps renewed the lease"
    assert store.finish(queued.id, "w2", "queued", now=at(43), reason="RT away")
    back = store.get(queued.id)
    assert (back.state, back.worker, back.lease_until, back.steps) == (
        "queued", None, None, {"written_from": "7"}
    )  # fmt: skip


def test_settling_retries_forces_or_drops_only_what_may_be(store):
    first = store.add(op(1, "a1"), now=at(0))[0]
    claim(store)
    with pytest.raises(OutboxConflict, match="replaying"):
        store.settle(first.id, "retry", by="desk", now=at(11))
    store.finish(first.id, "w1", "needs-attention", now=at(12), reason="conflict")
    forced = store.settle(first.id, "force", by="admin", now=at(13))
    assert (forced.state, forced.forced, forced.reason) == ("queued", True, "")
    assert store.get(first.id) == forced
    assert store.settle(first.id, "drop", by="desk", now=at(14)).state == "dropped"
    with pytest.raises(OutboxConflict):
        store.settle(first.id, "retry", by="desk", now=at(15))


def test_the_assets_last_seen_are_kept_by_id_and_tag(known):
    asset = Asset(5, "W12-00005", "Student Devices", "in-use", "li.wei", version='"3"',
                  custom_fields={"Serial Number": "SN1"})  # fmt: skip
    known.remember([asset], now=at(0))
    newer = Asset(5, "W12-00005 ", "Student Devices", "allocated", None)
    known.remember([newer, Asset(6, "W12-00006", "Student Devices")], now=at(10))
    seen = known.seen(5)
    assert (seen.asset.status, seen.asset.owner, seen.seen) == ("allocated", None, at(10))
    assert known.seen_by_tag("W12-00005").asset.id == 5
    assert known.seen_by_tag("W12-00009") is None and known.seen(9) is None
    known.remember([asset], now=at(20))
    again = known.seen(5).asset
    assert (again, again.version, again.cf("Serial Number")) == (asset, '"3"', "SN1")
    assert known.seen(5).age(at(25)) == 5


@pytest.mark.slow
def test_many_workers_claiming_at_once_take_each_operation_once(make_store, request):
    store = make_store()[0]
    for n in range(60):
        store.add(op(n % 20 + 1, f"k{n}"), now=at(n))
    taken: list[int] = []
    lock = threading.Lock()

    def work(worker: str) -> None:
        mine = make_store()[0]
        while (found := claim(mine, worker, now=100, lease=600)) is not None:
            with lock:
                taken.append(found.id)
            assert mine.finish(found.id, worker, "done", now=at(101))

    threads = [threading.Thread(target=work, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    counted = Counter(taken)
    assert len(counted) == 60 and set(counted.values()) == {1}, "an operation was claimed twice"
    assert store.depth().waiting == 0


def test_the_sqlite_file_is_the_service_s_alone(tmp_path):
    SqliteOutbox(tmp_path / "outbox.sqlite3").close()
    assert stat.S_IMODE((tmp_path / "outbox.sqlite3").stat().st_mode) == 0o600


def test_intake_creates_with_their_stand_in_and_tag_issues_are_kept_and_claimed(store):
    device = {"device": {"serial": "5CD1"}, "fingerprint": "f", "internal_name": "Blue Heron"}
    created, _ = store.add(op(-3, "k-new", "intake-create", **device), now=at(0))
    issued, _ = store.add(op(9, "k-tag", "tag-issue", prefix="W12-"), now=at(1))
    assert (store.get(created.id).asset_id, store.get(created.id).payload) == (-3, device)
    assert [o.kind for o in store.operations(asset_id=-3)] == ["intake-create"]
    assert claim(store).id == created.id and claim(store, "w2").id == issued.id
