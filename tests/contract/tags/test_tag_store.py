"""The TagStore contract: the in-memory fake, SQLite (real files) and PostgreSQL (a real
server from tests/pg_harness.py, a fresh database per test) behave the same."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from tests.conftest import SteppingClock

from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_adapters.postgres import PostgresTagStore
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.errors import BackendUnavailable, ConfigError, InvalidInput, TagConflict
from rtutils_core.tags import TagFormat
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.ports import Reservation, TagStore

W12 = TagFormat("W12-", 5)
TEST = TagFormat("TEST-", 3)
WHO = {"actor": "desk:ann", "request_id": "req-1"}


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_store(request, tmp_path):
    """Builds stores of one kind; for SQLite and PostgreSQL, every call opens the same
    file or database again."""
    opened: list[PostgresTagStore] = []

    def make(clock=None) -> TagStore:
        options = {"clock": clock} if clock else {}
        if request.param == "memory":
            return MemoryTagStore(**options)
        if request.param == "sqlite":
            return SqliteTagStore(tmp_path / "tags.sqlite3", **options)
        opened.append(PostgresTagStore(request.getfixturevalue("pg_url"), **options))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def store(make_store) -> TagStore:
    return make_store()


def reserve(store: TagStore, asset_id: int, fmt: TagFormat = W12) -> Reservation:
    return store.reserve(fmt, asset_id, **WHO)


def test_an_unknown_prefix_starts_at_one_and_peeking_changes_nothing(store):
    assert store.peek_next("W12-") == store.peek_next("W12-") == 1
    assert store.highest_issued("W12-") == 0
    assert store.events() == []


def test_reservations_take_consecutive_numbers_that_peek_announced(store):
    for asset_id in (10, 11, 12):
        announced = store.peek_next("W12-")
        held = reserve(store, asset_id)
        assert (held.number, held.asset_id, held.is_new) == (announced, asset_id, True)
        assert held.tag == f"W12-{announced:05d}"
    assert store.peek_next("W12-") == 4
    assert store.highest_issued("W12-") == 3


def test_prefixes_have_separate_sequences(store):
    reserve(store, 1)
    held = reserve(store, 1, TEST)
    assert (held.tag, store.peek_next("W12-"), store.peek_next("TEST-")) == ("TEST-001", 2, 2)


def test_an_asset_gets_its_open_reservation_back_not_a_second_one(store):
    first = reserve(store, 7)
    again = store.reserve(W12, 7, actor="desk:bob", request_id="req-2")
    assert (again.number, again.tag, again.is_new, again.reserved_by) == (
        first.number,
        first.tag,
        False,
        "req-1",
    )
    assert store.reservation_for("W12-", 7) == again
    assert store.reservation_for("W12-", 8) is None
    assert store.peek_next("W12-") == 2
    assert [e.state for e in store.events()] == ["reserved"]


def test_a_failure_is_logged_and_the_number_stays_with_its_asset(store):
    held = reserve(store, 7)
    assert store.record(held, "failed", actor="desk", request_id="req-1", detail="RT down")
    assert reserve(store, 8).number == 2  # another asset never gets it
    assert reserve(store, 7).number == held.number
    failed = store.events(EventQuery(tag=held.tag))[0]
    assert (failed.state, failed.detail, failed.asset_id) == ("failed", "RT down", 7)


def test_an_assigned_number_stays_the_assets_own_and_is_recorded_once(store):
    held = reserve(store, 7)
    assert store.record(held, "assigned", **WHO) is True
    assert store.record(held, "assigned", **WHO) is False  # a second report changes nothing

    own = store.reservation_for("W12-", 7)
    assert (own.number, own.state, own.is_assigned, own.is_new) == (1, "assigned", True, False)
    assert reserve(store, 7) == own  # no second number for the asset, ever
    assert store.peek_next("W12-") == 2
    assert [e.state for e in store.events()] == ["assigned", "reserved"]


def test_writing_an_assigned_number_again_is_logged_again(store):
    held = reserve(store, 7)
    store.record(held, "assigned", **WHO)
    own = reserve(store, 7)
    assert store.record(own, "assigned", actor="desk", request_id="r2", detail="again") is True
    assert [(e.state, e.detail) for e in store.events()][:2] == [
        ("assigned", "again"),
        ("assigned", ""),
    ]
    with pytest.raises(TagConflict, match="cannot become voided: it is assigned"):
        store.record(own, "voided", **WHO)


@pytest.mark.parametrize("given_up", ["skipped", "voided"])
def test_a_number_given_up_is_never_handed_out_again(store, given_up):
    held = reserve(store, 7)
    assert store.record(held, given_up, actor="desk", request_id="r", detail="why") is True
    assert store.record(held, given_up, **WHO) is False
    with pytest.raises(TagConflict, match=f"it is {given_up} already"):
        store.record(held, "assigned", **WHO)
    assert store.peek_next("W12-") == 2
    assert reserve(store, 7).number == 2
    assert store.highest_issued("W12-") == 2


def test_a_number_is_never_recorded_for_an_asset_that_does_not_hold_it(store):
    held = reserve(store, 7)
    forged = Reservation(held.prefix, held.number, held.tag, asset_id=8)
    with pytest.raises(TagConflict, match="not reserved for asset 8"):
        store.record(forged, "assigned", **WHO)
    never = Reservation("W12-", 99, "W12-00099", asset_id=7)
    with pytest.raises(TagConflict, match="holds it for nobody"):
        store.record(never, "assigned", **WHO)
    assert [e.state for e in store.events()] == ["reserved"]


def test_a_used_up_sequence_refuses_and_changes_nothing(store):
    one_digit = TagFormat("T-", 1)
    store.set_next(one_digit, 9, force=False, **WHO)
    reserve(store, 1, one_digit)
    events = len(store.events(EventQuery(limit=None)))
    with pytest.raises(TagConflict, match="used up"):
        reserve(store, 2, one_digit)
    assert store.peek_next("T-") == 10
    assert len(store.events(EventQuery(limit=None))) == events


def test_set_next_refuses_at_or_below_the_highest_issued_unless_forced(store):
    for asset_id in (1, 2, 3):
        reserve(store, asset_id)
    with pytest.raises(TagConflict, match=r"W12-00003 has been issued already"):
        store.set_next(W12, 3, force=False, **WHO)
    with pytest.raises(InvalidInput, match="outside"):
        store.set_next(W12, 0, force=True, **WHO)
    assert store.peek_next("W12-") == 4

    move = store.set_next(W12, 2, force=True, actor="admin", request_id="r9", detail="forced")

    assert (move.before, move.after, move.is_changed) == (4, 4, False)  # 2, 3 are taken
    event = store.events()[0]
    assert (event.state, event.number, event.actor, event.tag) == ("sequence-set", 4, "admin", "")
    assert event.detail == "next tag W12-00004 (was W12-00004); forced"


def test_a_forced_move_below_issued_numbers_passes_over_them(store):
    for asset_id in (1, 2, 3):
        reserve(store, asset_id)
    store.set_next(W12, 10, force=False, **WHO)
    reserve(store, 4)  # 10
    store.set_next(W12, 3, force=True, **WHO)
    assert [reserve(store, a).number for a in (5, 6, 7, 8, 9, 10, 11, 12)] == [
        4,
        5,
        6,
        7,
        8,
        9,
        11,
        12,
    ]


def test_raise_floor_only_raises_and_logs_only_a_move(store):
    reserve(store, 1)
    assert store.raise_floor(W12, 1, **WHO).is_changed is False
    move = store.raise_floor(W12, 42, actor="sync", request_id="s", detail="sync: 3 tags")
    assert (move.before, move.after) == (2, 42)
    assert store.raise_floor(W12, 40, **WHO).after == 42
    floor = [e for e in store.events() if e.state == "floor-raised"]
    assert [(e.number, e.detail) for e in floor] == [
        (42, "next tag W12-00042 (was W12-00002); sync: 3 tags")
    ]
    assert reserve(store, 2).number == 42


def test_peek_after_skips_forward_over_taken_numbers(store):
    reserve(store, 1)
    store.set_next(W12, 5, force=False, **WHO)
    reserve(store, 2)  # 5
    assert store.peek_next("W12-", after=3) == 6
    assert store.peek_next("W12-", after=10) == 11
    assert store.peek_next("W12-") == 6


def test_events_are_newest_first_in_utc_and_filter_by_tag_asset_and_time(make_store):
    store = make_store(SteppingClock())
    a = reserve(store, 1)  # 08:01
    b = reserve(store, 2)  # 08:02
    store.record(a, "assigned", **WHO)  # 08:03
    store.record(b, "failed", actor="x", request_id="y", detail="down")  # 08:04

    everything = store.events()
    assert [e.id for e in everything] == sorted((e.id for e in everything), reverse=True)
    assert all(e.at.utcoffset() == timedelta(0) for e in everything)
    assert [e.state for e in store.events(EventQuery(tag="W12-00001"))] == ["assigned", "reserved"]
    assert [e.state for e in store.events(EventQuery(asset_id=2))] == ["failed", "reserved"]
    since = datetime(2025, 3, 1, 8, 2, tzinfo=UTC)
    until = datetime(2025, 3, 1, 8, 3, tzinfo=UTC)
    assert [e.at.minute for e in store.events(EventQuery(since=since, until=until))] == [3, 2]
    assert [e.at.minute for e in store.events(EventQuery(since=since, asset_id=1))] == [3]
    assert len(store.events(EventQuery(limit=3))) == 3
    assert len(store.events(EventQuery(limit=None))) == 4


def test_threads_sharing_a_store_never_get_the_same_number(store):
    numbers: list[int] = []
    lock = threading.Lock()

    def work(first_asset: int) -> None:
        for asset_id in range(first_asset, first_asset + 25):
            held = reserve(store, asset_id)
            store.record(held, "assigned", **WHO)
            with lock:
                numbers.append(held.number)

    threads = [threading.Thread(target=work, args=(n * 100,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(numbers) == list(range(1, 201))


def test_threads_reserving_for_one_asset_share_one_number(store):
    got: list[int] = []
    threads = [
        threading.Thread(target=lambda: got.append(reserve(store, 5).number)) for _ in "x" * 8
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [1] * 8
    assert [e.state for e in store.events()] == ["reserved"]


# -- SQLite only: the file, its schema and its locks -------------------------------------------


def test_sqlite_state_survives_reopening_the_file(tmp_path):
    path = tmp_path / "tags.sqlite3"
    first = SqliteTagStore(path)
    held = first.reserve(W12, 7, **WHO)
    first.close()

    again = SqliteTagStore(path)

    assert again.reserve(W12, 7, **WHO).number == held.number
    assert again.peek_next("W12-") == 2
    assert [e.state for e in again.events()] == ["reserved"]


def test_sqlite_file_is_in_wal_mode_and_refuses_a_duplicate_tag_itself(tmp_path):
    path = tmp_path / "tags.sqlite3"
    SqliteTagStore(path).reserve(W12, 7, **WHO)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        raw.execute(
            "INSERT INTO tags (prefix, number, tag, asset_id, state, reserved_by)"
            " VALUES ('W12-X', 1, 'W12-00001', 8, 'reserved', 'r')"
        )
    with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
        raw.execute(
            "INSERT INTO tags (prefix, number, tag, asset_id, state, reserved_by)"
            " VALUES ('W12-', 2, 'W12-00002', 7, 'reserved', 'r')"
        )
    raw.close()


def test_sqlite_in_dir_uses_the_working_directory(tmp_path):
    store = SqliteTagStore.in_dir(tmp_path)
    assert store.path == tmp_path / "tags.sqlite3"
    assert store.path.exists()


def test_sqlite_opened_new_by_several_at_once_opens_for_all(tmp_path):
    # Several workers of a fresh install open the new file together. SQLite refuses the
    # switch to WAL at once rather than waiting, in about one round in fifty here.
    for round_ in range(150):
        path = tmp_path / f"tags-{round_}.sqlite3"
        errors: list[BaseException] = []

        def open_store(path=path, errors=errors) -> None:
            try:
                SqliteTagStore(path).close()
            except BaseException as error:
                errors.append(error)

        openers = [threading.Thread(target=open_store) for _ in range(4)]
        for t in openers:
            t.start()
        for t in openers:
            t.join()
        assert errors == [], f"round {round_}"


def test_sqlite_waits_for_another_writer_then_goes_on(tmp_path):
    path = tmp_path / "tags.sqlite3"
    store = SqliteTagStore(path, busy_timeout=5)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.3, lambda: other.execute("COMMIT")).start()
    started = time.monotonic()
    assert store.reserve(W12, 1, **WHO).number == 1
    assert time.monotonic() - started >= 0.25


def test_sqlite_busy_past_the_timeout_fails_clearly_and_changes_nothing(tmp_path):
    path = tmp_path / "tags.sqlite3"
    store = SqliteTagStore(path, busy_timeout=0.2)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(BackendUnavailable, match=r"tags.sqlite3 is busy.*0.2 s"):
            store.reserve(W12, 1, **WHO)
        assert store.peek_next("W12-") == 1  # readers are not blocked by the writer (WAL)
    finally:
        other.execute("ROLLBACK")
    assert store.events() == []
    assert store.reserve(W12, 1, **WHO).number == 1


def test_sqlite_refuses_a_database_from_a_newer_version(tmp_path):
    path = tmp_path / "tags.sqlite3"
    SqliteTagStore(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 99")
    raw.commit()
    raw.close()
    with pytest.raises(ConfigError, match="newer version"):
        SqliteTagStore(path)


def test_sqlite_in_a_missing_folder_names_the_file(tmp_path):
    with pytest.raises(BackendUnavailable, match="nowhere/tags.sqlite3 cannot be used"):
        SqliteTagStore(tmp_path / "nowhere" / "tags.sqlite3")
