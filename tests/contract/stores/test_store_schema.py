"""Schema versions, upgrades and copies of the tag stores, on real SQLite files and a real
PostgreSQL (tests/pg_harness.py)."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from rtutils_adapters.postgres import PostgresTagStore
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_adapters.stores import copy_tag_store, open_tag_store, upgrade_tag_store
from rtutils_core.errors import BackendUnavailable, ConfigError, SchemaTooNew
from rtutils_core.tags import TagFormat
from rtutils_core.tags.event_query import EventQuery

W12 = TagFormat("W12-", 5)
WHO = {"actor": "desk:ann", "request_id": "req-1"}
EXTRA = ("CREATE TABLE extra (x INTEGER)",)


def later_revision(folder, statements):
    """A folder holding revision 2 of the tag schema, as a later release would ship it."""
    folder.mkdir(exist_ok=True)
    (folder / "tags_0002.py").write_text(
        "from alembic import op\n"
        "revision = 'tags_0002'\ndown_revision = 'tags_0001'\n"
        "branch_labels = None\ndepends_on = None\n"
        "def upgrade():\n" + "".join(f"    op.execute({statement!r})\n" for statement in statements)
    )
    return folder


@pytest.fixture(params=["sqlite", "postgres"])
def kind(request):
    return request.param


@pytest.fixture
def open_store(request, kind, tmp_path):
    """Opens the one store of this test (SQLite file or PostgreSQL database), with ``cls``."""
    opened = []
    where = tmp_path / "tags.sqlite3" if kind == "sqlite" else request.getfixturevalue("pg_url")
    base = SqliteTagStore if kind == "sqlite" else PostgresTagStore

    def open_(statements=None):
        cls = base
        if statements is not None:
            folder = later_revision(tmp_path / f"later{len(opened)}", statements)
            cls = type("Later", (base,), {"MIGRATIONS": base.MIGRATIONS.with_location(folder)})
        opened.append(cls(where))
        return opened[-1]

    yield open_
    for store in opened:
        store.close()


def test_a_new_store_is_created_at_the_latest_version_and_reopens_unchanged(open_store):
    first = open_store()
    assert (first.schema_change.before, first.schema_change.after) == (0, 1)
    assert first.schema_change.is_changed
    first.reserve(W12, 7, **WHO)
    again = open_store()
    assert (again.schema_change.before, again.schema_change.after) == (1, 1)
    assert not again.schema_change.is_changed
    assert again.reservation_for("W12-", 7).number == 1


def test_a_newer_migration_is_applied_at_open_and_keeps_the_data(open_store):
    open_store().reserve(W12, 7, **WHO)
    later = open_store(EXTRA)
    assert (later.schema_change.before, later.schema_change.after) == (1, 2)
    assert later.reservation_for("W12-", 7).number == 1
    assert later.counts()["tags"] == 1


def test_a_store_refuses_a_schema_newer_than_it_knows(open_store):
    open_store(EXTRA)
    with pytest.raises(SchemaTooNew, match="schema of .* is version 2.* knows up to version 1"):
        open_store()
    assert issubclass(SchemaTooNew, ConfigError)


def test_a_failing_migration_changes_nothing(open_store):
    open_store().reserve(W12, 7, **WHO)
    with pytest.raises(BackendUnavailable):
        open_store(("CREATE TABLE extra (x INTEGER)", "THIS IS NOT SQL"))
    again = open_store(EXTRA)  # "extra" was rolled back, so it can be created now
    assert (again.schema_change.before, again.schema_change.after) == (1, 2)


def test_a_sqlite_file_from_before_the_version_table_reads_as_version_one(tmp_path):
    path = tmp_path / "tags.sqlite3"
    SqliteTagStore(path).reserve(W12, 7, **WHO)
    raw = sqlite3.connect(path)
    raw.execute("DROP TABLE schema_version")  # as written by the first release
    raw.commit()
    raw.close()

    store = SqliteTagStore(path)

    assert (store.schema_change.before, store.schema_change.after) == (1, 1)
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT component, version FROM schema_version").fetchall() == [("tags", 1)]
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1  # older builds still check it
    raw.close()


def test_upgrade_and_open_choose_the_store_from_the_url(tmp_path, pg_url):
    assert upgrade_tag_store(None, tmp_path).after == 1
    assert (tmp_path / "tags.sqlite3").exists()
    assert upgrade_tag_store(pg_url, tmp_path).before == 0
    assert upgrade_tag_store(pg_url, tmp_path).before == 1
    store = open_tag_store(pg_url, tmp_path)
    assert isinstance(store, PostgresTagStore)
    store.close()
    with pytest.raises(ConfigError, match="STORE_URL must be a PostgreSQL URL.*'mysql'"):
        open_tag_store("mysql://db/tags", tmp_path)


def test_postgres_instances_opening_a_new_database_together_all_start(pg_url):
    import threading

    errors: list[BaseException] = []
    stores: list[PostgresTagStore] = []

    def start() -> None:
        try:
            stores.append(PostgresTagStore(pg_url))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(s.schema_change.before for s in stores) == [0, 1, 1, 1, 1, 1]
    for store in stores:
        store.close()


# -- db copy: SQLite into PostgreSQL -------------------------------------------------------


def fill(store) -> None:
    for asset_id in range(1, 31):
        held = store.reserve(W12, asset_id, **WHO)
        store.record(held, "voided" if asset_id % 7 == 0 else "assigned", **WHO)
    store.set_next(TagFormat("TEST-", 3), 40, force=False, **WHO)
    store.reserve(TagFormat("TEST-", 3), 1, **WHO)


def test_copy_moves_every_row_and_the_history_goes_on_in_postgres(tmp_path, pg_url):
    sqlite_store = SqliteTagStore.in_dir(tmp_path)
    fill(sqlite_store)
    before = sqlite_store.events(EventQuery(limit=None))

    report = copy_tag_store(tmp_path, pg_url)

    assert report.counts == {"sequences": 2, "tags": 31, "events": 62}
    assert report.last_event == before[0]
    pg = PostgresTagStore(pg_url)
    assert pg.events(EventQuery(limit=None)) == before  # ids, times (UTC) and every field
    assert pg.peek_next("W12-") == 31 and pg.peek_next("TEST-") == 41
    assert pg.reservation_for("W12-", 5) == sqlite_store.reservation_for("W12-", 5)
    assert pg.reserve(W12, 99, **WHO).number == 31
    assert pg.events()[0].id == before[0].id + 1  # new events are numbered after the copy
    pg.close()


def test_copy_refuses_a_database_with_tag_data_and_writes_nothing(tmp_path, pg_url):
    fill(SqliteTagStore.in_dir(tmp_path))
    pg = PostgresTagStore(pg_url)
    pg.reserve(W12, 500, **WHO)

    with pytest.raises(
        ConfigError, match=r"holds tag data already \(1 sequences, 1 tags, 1 events"
    ):
        copy_tag_store(tmp_path, pg_url)

    assert pg.counts() == {"sequences": 1, "tags": 1, "events": 1}
    pg.close()


def test_copy_of_an_empty_store_from_nowhere_and_into_nothing(tmp_path, pg_url):
    with pytest.raises(ConfigError, match=r"no tag store to copy in .* \(no tags.sqlite3\)"):
        copy_tag_store(tmp_path, pg_url)
    assert not (tmp_path / "tags.sqlite3").exists()
    SqliteTagStore.in_dir(tmp_path).close()
    assert copy_tag_store(tmp_path, pg_url).counts == {"sequences": 0, "tags": 0, "events": 0}
    with pytest.raises(ConfigError, match="STORE_URL"):
        copy_tag_store(tmp_path, "")


def test_the_postgres_schema_is_what_the_store_reports(pg_url):
    PostgresTagStore(pg_url).close()
    with psycopg.connect(pg_url) as db:
        rows = db.execute("SELECT component, version FROM schema_version").fetchall()
    assert rows == [("tags", 1)]
