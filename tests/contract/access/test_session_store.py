"""The desk's session store: SQLite (a real file) and PostgreSQL (a real server from
tests/pg_harness.py, a fresh database per test) keep the same promises."""

from __future__ import annotations

import pytest

from rtutils_adapters.postgres import PostgresSessionStore
from rtutils_adapters.sqlite import SqliteSessionStore
from rtutils_web.access.sessions import SessionStore


@pytest.fixture(params=["sqlite", "postgres"])
def make_store(request, tmp_path):
    """Builds stores of one kind; every call opens the same file or database again (as a
    second instance of the service would)."""

    def make() -> SessionStore:
        if request.param == "sqlite":
            return SqliteSessionStore.in_dir(tmp_path)
        store = PostgresSessionStore(request.getfixturevalue("pg_url"))
        request.addfinalizer(store.close)
        return store

    return make


def test_a_session_is_live_for_its_principal_only_and_everywhere(make_store):
    one, other = make_store(), make_store()
    session = one.start("desk", 600)
    assert other.is_live(session, "desk")
    assert not other.is_live(session, "someone-else")
    assert not other.is_live("never-started", "desk")
    assert one.start("desk", 600) != session


def test_ending_a_session_ends_it_for_every_store_on_the_same_data(make_store):
    one, other = make_store(), make_store()
    session, kept = one.start("desk", 600), one.start("desk", 600)
    other.end(session)
    assert not one.is_live(session, "desk")
    assert one.is_live(kept, "desk")
    other.end(session)  # ending twice changes nothing


def test_a_session_ends_at_its_expiry(make_store):
    store = make_store()
    session = store.start("desk", 0)
    assert not store.is_live(session, "desk")
