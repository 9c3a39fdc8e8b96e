"""The throttle's counts in a database: SQLite (a real file) and PostgreSQL (a real server from
tests/pg_harness.py, a fresh database per test) keep the same promises, as a ``limits``
storage of the fixed-window strategy. Time is a settable clock: nothing here sleeps."""

from __future__ import annotations

import sqlite3
import threading

import psycopg
import pytest
from limits import parse, strategies
from limits.errors import StorageError
from tests.conftest import EpochClock

from rtutils_adapters.postgres.throttle import PostgresThrottleCounts
from rtutils_adapters.sql.throttle import PURGE_EVERY, SqlThrottleCounts
from rtutils_adapters.sqlite.database import SqliteFile

TEN = parse("10/minute")


@pytest.fixture
def clock() -> EpochClock:
    return EpochClock()


@pytest.fixture(params=["sqlite", "postgres"])
def where(request, tmp_path):
    """The database of this test: a SQLite file or a PostgreSQL URL."""
    if request.param == "sqlite":
        return tmp_path / "throttle.sqlite3"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def make_counts(request, where, clock):
    """Opens counts on the test's database; every call is another instance on the same data."""

    def make() -> SqlThrottleCounts:
        if isinstance(where, str):
            counts: SqlThrottleCounts = PostgresThrottleCounts(where, clock=clock)
        else:
            counts = SqlThrottleCounts(SqliteFile(where), clock=clock)
        request.addfinalizer(counts.close)
        return counts

    return make


def rows(where) -> list[tuple[str, int]]:
    """The rows of ``throttle_counts`` as the database holds them, by key."""
    query = "SELECT key, hits FROM throttle_counts ORDER BY key"
    if isinstance(where, str):
        with psycopg.connect(where) as db:
            return [tuple(r) for r in db.execute(query).fetchall()]
    with sqlite3.connect(where) as db:
        return db.execute(query).fetchall()


def drop_table(where) -> None:
    statement = "DROP TABLE throttle_counts"
    if isinstance(where, str):
        with psycopg.connect(where) as db:
            db.execute(statement)
    else:
        with sqlite3.connect(where) as db:
            db.execute(statement)


def test_hits_add_up_in_one_window_that_every_instance_shares(make_counts, clock):
    one, other = make_counts(), make_counts()
    assert [one.incr("a", 60), other.incr("a", 60), one.incr("a", 60, amount=3)] == [1, 2, 5]
    assert other.get("a") == one.get("a") == 5
    assert other.get_expiry("a") == one.get_expiry("a") == clock.now + 60
    assert one.get("b") == 0 and one.get_expiry("b") == clock.now  # no window: ends now


def test_a_window_ends_at_its_expiry_and_the_next_hit_starts_a_new_one(make_counts, clock):
    counts = make_counts()
    counts.incr("a", 60)
    clock.advance(30)
    counts.incr("a", 60)
    assert counts.get_expiry("a") == clock.now + 30  # a hit does not move the window's end
    clock.advance(29.9)
    assert counts.get("a") == 2
    clock.advance(0.1)
    assert counts.get("a") == 0
    assert counts.incr("a", 60) == 1
    assert counts.get_expiry("a") == clock.now + 60


def test_the_fixed_window_strategy_refuses_the_eleventh_hit_until_the_window_ends(
    make_counts, clock
):
    limiter = strategies.FixedWindowRateLimiter(make_counts())
    other = strategies.FixedWindowRateLimiter(make_counts())
    assert all(limiter.hit(TEN, "auth", "192.0.2.7") for _ in range(10))
    assert not other.test(TEN, "auth", "192.0.2.7")
    assert not other.hit(TEN, "auth", "192.0.2.7")
    assert other.test(TEN, "auth", "198.51.100.1")  # another address is its own count
    stats = other.get_window_stats(TEN, "auth", "192.0.2.7")
    assert (stats.reset_time, stats.remaining) == (clock.now + 60, 0)
    clock.advance(60)
    assert limiter.test(TEN, "auth", "192.0.2.7")
    assert other.hit(TEN, "auth", "192.0.2.7")


def test_hits_at_the_same_moment_on_two_instances_are_all_counted(make_counts):
    stores = [make_counts(), make_counts()]
    errors: list[BaseException] = []

    def hit(counts: SqlThrottleCounts) -> None:
        try:
            for _ in range(25):
                counts.incr("a", 60)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=hit, args=(stores[n % 2],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and not any(t.is_alive() for t in threads)
    assert stores[0].get("a") == 150


def test_clear_forgets_a_key_and_reset_forgets_every_key(make_counts):
    one, other = make_counts(), make_counts()
    for key in ("a", "b", "c"):
        one.incr(key, 60)
    other.clear("a")
    assert one.get("a") == 0 and one.get("b") == 1
    assert other.reset() == 2
    assert one.get("b") == one.get("c") == 0
    assert one.check()


def test_ended_windows_are_deleted_by_later_hits_at_most_once_a_minute(make_counts, where, clock):
    counts = make_counts()
    counts.incr("old", 10)
    clock.advance(11)
    counts.incr("a", 60)  # the first clean-up of this process ran at "old"'s hit
    assert rows(where) == [("a", 1), ("old", 1)]
    clock.advance(PURGE_EVERY)
    counts.incr("b", 600)
    assert rows(where) == [("b", 1)]  # "a" ended too; the hit itself is counted


def test_long_keys_are_kept_by_their_digest_and_still_apart(make_counts, where):
    counts = make_counts()
    long_a, long_b = "x" * 500 + "a", "x" * 500 + "b"
    counts.incr(long_a, 60)
    counts.incr(long_b, 60, amount=2)
    assert (counts.get(long_a), counts.get(long_b)) == (1, 2)
    assert all(len(key) < 100 for key, _ in rows(where))


def test_a_database_that_fails_raises_the_storage_error_limits_expects(make_counts, where):
    counts = make_counts()
    drop_table(where)
    with pytest.raises(StorageError) as raised:
        counts.incr("a", 60)
    assert "cannot be used" in str(raised.value.storage_error)
    with pytest.raises(StorageError):
        counts.get("a")
    assert counts.check()  # the database itself still answers
