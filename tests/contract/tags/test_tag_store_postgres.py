"""PostgreSQL only: its locks, its connections and its constraints (the shared behaviour is in
test_tag_store.py). A real server from tests/pg_harness.py, a fresh database per test."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from rtutils_adapters.postgres import PostgresTagStore
from rtutils_adapters.postgres.connection import LOCK_SPACE, lock_key
from rtutils_adapters.postgres.tags import prefix_lock
from rtutils_core.errors import BackendUnavailable
from rtutils_core.tags import TagFormat
from rtutils_core.tags.event_query import EventQuery

W12 = TagFormat("W12-", 5)
TEST = TagFormat("TEST-", 3)
WHO = {"actor": "desk:ann", "request_id": "req-1"}


@pytest.fixture
def stores(pg_url):
    opened: list[PostgresTagStore] = []

    def open_(**options) -> PostgresTagStore:
        opened.append(PostgresTagStore(pg_url, **options))
        return opened[-1]

    yield open_
    for store in opened:
        store.close()


def lock_prefix(pg_url: str, prefix: str) -> psycopg.Connection:
    """Another instance in the middle of a change of ``prefix``: its sequence row locked."""
    other = psycopg.connect(pg_url)
    other.execute("SELECT 1 FROM sequences WHERE prefix = %s FOR UPDATE", (prefix,))
    return other


def test_state_survives_closing_and_reopening(stores):
    first = stores()
    held = first.reserve(W12, 7, **WHO)
    first.close()
    again = stores()
    assert again.reserve(W12, 7, **WHO).number == held.number
    assert [e.state for e in again.events()] == ["reserved"]


def test_the_database_itself_refuses_a_second_holder_of_a_tag(stores, pg_url):
    stores().reserve(W12, 7, **WHO)
    with psycopg.connect(pg_url) as raw:
        for row in (("W12-X", 1, "W12-00001", 8), ("W12-", 2, "W12-00002", 7)):
            with pytest.raises(psycopg.errors.UniqueViolation), raw.transaction():
                raw.execute(
                    "INSERT INTO tags (prefix, number, tag, asset_id, state, reserved_by)"
                    " VALUES (%s, %s, %s, %s, 'reserved', 'r')",
                    row,
                )


def test_a_change_waits_for_another_instance_of_the_same_prefix_then_goes_on(stores, pg_url):
    store = stores()
    store.reserve(W12, 1, **WHO)
    other = lock_prefix(pg_url, "W12-")
    threading.Timer(0.3, other.commit).start()
    started = time.monotonic()
    assert store.reserve(W12, 2, **WHO).number == 2
    assert time.monotonic() - started >= 0.25
    other.close()


def test_a_lock_held_past_the_timeout_fails_clearly_and_changes_nothing(stores, pg_url):
    store = stores(lock_timeout=0.2)
    store.reserve(W12, 1, **WHO)
    other = lock_prefix(pg_url, "W12-")
    try:
        with pytest.raises(BackendUnavailable, match=r"is busy: .* 0.2 s; nothing was changed"):
            store.reserve(W12, 2, **WHO)
        assert store.peek_next("W12-") == 2  # readers do not wait for the lock
        assert store.reserve(TEST, 2, **WHO).number == 1  # nor do other prefixes
    finally:
        other.rollback()
        other.close()
    assert [e.tag for e in store.events()] == ["TEST-001", "W12-00001"]
    assert store.reserve(W12, 2, **WHO).number == 2


def test_a_connection_the_server_ended_is_replaced(stores, pg_url):
    store = stores()
    store.reserve(W12, 1, **WHO)
    with psycopg.connect(pg_url, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    assert store.reserve(W12, 2, **WHO).number == 2


def test_an_unreachable_database_is_named_without_its_password(tmp_path):
    url = f"postgresql://desk:hunter2-secret@/nowhere_db?host={tmp_path}"
    with pytest.raises(BackendUnavailable) as caught:
        PostgresTagStore(url, connect_timeout=2)
    message = str(caught.value)
    assert "nowhere_db" in message and str(tmp_path) in message
    assert "hunter2" not in message


def test_the_event_times_are_utc_whatever_the_server_zone(stores, pg_url):
    with psycopg.connect(pg_url, autocommit=True) as admin:
        dbname = admin.info.dbname
        admin.execute(f"ALTER DATABASE {dbname} SET timezone TO 'America/Chicago'")
    store = stores()
    store.reserve(W12, 1, **WHO)
    (event,) = store.events()
    assert event.at.utcoffset().total_seconds() == 0
    assert store.events(EventQuery(since=event.at, until=event.at)) == [event]


def hold_prefix_lock(pg_url: str, prefix: str) -> psycopg.Connection:
    """Another instance in the middle of a change of ``prefix``: its advisory lock held."""
    other = psycopg.connect(pg_url)
    other.execute(
        "SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_SPACE, lock_key(prefix_lock(prefix)))
    )
    return other


def test_changes_of_one_prefix_wait_for_each_other_and_other_prefixes_go_on(stores, pg_url):
    store = stores(lock_timeout=0.2)
    other = hold_prefix_lock(pg_url, "W12-")
    try:
        started = time.monotonic()
        assert store.reserve(TEST, 1, **WHO).number == 1  # no wait for another prefix
        assert time.monotonic() - started < 0.2
        for change in (
            lambda: store.reserve(W12, 1, **WHO),
            lambda: store.set_next(W12, 5, force=False, **WHO),
            lambda: store.raise_floor(W12, 9, **WHO),
        ):
            with pytest.raises(BackendUnavailable, match="is busy"):
                change()
    finally:
        other.rollback()
        other.close()
    assert store.reserve(W12, 1, **WHO).number == 1
