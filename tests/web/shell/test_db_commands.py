"""``request-tracker-utils db upgrade|copy``, STORE_URL and the container's choice of store,
on real SQLite files and the real PostgreSQL of tests/pg_harness.py."""

from __future__ import annotations

import psycopg
import pytest

from rtutils_adapters.postgres import PostgresTagStore
from rtutils_adapters.sqlite import SqliteLoanLog, SqliteTagStore
from rtutils_core.errors import ConfigError
from rtutils_core.loans import LoanEntry
from rtutils_core.tags import TagFormat
from rtutils_core.tags.event_query import EventQuery
from rtutils_web.cli.main import main
from rtutils_web.container import build_container
from rtutils_web.settings import Settings

W12 = TagFormat("W12-", 5)
WHO = {"actor": "desk", "request_id": "r"}


def env(tmp_path, **more: str) -> dict[str, str]:
    return {"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(tmp_path), **more}


STORES = ("tags", "loans", "intake", "jobs", "print_jobs", "roster", "audits", "notices", "outbox")
#: Each store's schema version (1 unless a migration was added since).
VERSIONS = {"loans": 2, "roster": 2, "audits": 2, "outbox": 2}


def test_db_upgrade_creates_then_finds_the_sqlite_stores_up_to_date(tmp_path, capsys):
    assert main(["db", "upgrade"], env(tmp_path)) == 0
    assert capsys.readouterr().out == "".join(
        f"{name} schema: version {VERSIONS.get(name, 1)} (upgraded, was 0)\n" for name in STORES
    )
    assert main(["db", "upgrade"], env(tmp_path)) == 0
    assert capsys.readouterr().out == "".join(
        f"{name} schema: version {v} (up to date, was {v})\n"
        for name, v in ((n, VERSIONS.get(n, 1)) for n in STORES)
    )
    assert (tmp_path / "tags.sqlite3").exists()


def test_db_upgrade_on_postgres_and_a_newer_schema_refused_clearly(tmp_path, pg_url, capsys):
    assert main(["db", "upgrade"], env(tmp_path, STORE_URL=pg_url)) == 0
    out = capsys.readouterr().out
    assert "version 1 (upgraded, was 0)" in out
    assert "sessions schema: version 1 (upgraded, was 0)" in out
    with psycopg.connect(pg_url) as db:
        db.execute("UPDATE schema_version SET version = 7")

    assert main(["db", "upgrade"], env(tmp_path, STORE_URL=pg_url)) == 2
    err = capsys.readouterr().err
    assert "configuration error: the tags schema of the PostgreSQL database" in err
    assert "is version 7, written by a newer version of rtutils" in err
    # The service itself refuses to start on it, with the same message.
    assert main(["check-config"], env(tmp_path, STORE_URL=pg_url)) == 2
    assert "is version 7" in capsys.readouterr().err


def test_db_copy_moves_the_sqlite_store_and_refuses_a_second_time(tmp_path, pg_url, capsys):
    store = SqliteTagStore.in_dir(tmp_path)
    for asset_id in (1, 2, 3):
        store.record(store.reserve(W12, asset_id, **WHO), "assigned", **WHO)
    last = store.events(EventQuery(limit=1))[0]

    assert main(["db", "copy"], env(tmp_path, STORE_URL=pg_url)) == 0
    assert capsys.readouterr().out == (
        "copied 1 sequences, 3 tags, 6 events into STORE_URL, checked;"
        f" last event {last.id} (assigned W12-00003)\n"
    )
    assert main(["db", "copy"], env(tmp_path, STORE_URL=pg_url)) == 2
    assert "holds tag data already" in capsys.readouterr().err


def test_db_copy_moves_the_other_stores_too(tmp_path, pg_url, capsys):
    SqliteTagStore.in_dir(tmp_path).close()
    SqliteLoanLog.in_dir(tmp_path).record(
        LoanEntry("check-out", 7, "W12-00007", "li.wei", "desk", "r", "v1")
    )
    assert main(["db", "copy"], env(tmp_path, STORE_URL=pg_url)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:] == ["copied loans: 1 loan_events, 0 manual_checkins, checked"]


def test_db_copy_needs_a_store_url(tmp_path, capsys):
    SqliteTagStore.in_dir(tmp_path).close()
    assert main(["db", "copy"], env(tmp_path)) == 2
    assert "db copy needs STORE_URL" in capsys.readouterr().err


def test_the_container_keeps_tags_in_postgres_when_store_url_is_set(tmp_path, pg_url):
    settings = Settings.from_env(env(tmp_path, STORE_URL=pg_url))
    container = build_container(settings)
    store = container.tags.tag_store()
    assert isinstance(store, PostgresTagStore)
    issued = container.tag_service().issue_tag(17, actor="desk", request_id="r")
    assert store.events(EventQuery(limit=1))[0].tag == str(issued.tag)
    assert not (tmp_path / "tags.sqlite3").exists()
    store.close()
    sqlite = build_container(Settings.from_env(env(tmp_path))).tags.tag_store()
    assert isinstance(sqlite, SqliteTagStore)


def test_with_store_url_every_store_is_in_postgres_on_one_pool(tmp_path, pg_url):
    container = build_container(Settings.from_env(env(tmp_path, STORE_URL=pg_url)))
    stores = {
        "tags": container.tags.tag_store(),
        "loans": container.loans.loan_log(),
        "jobs": container.jobs.job_store(),
        "print_jobs": container.printing.print_job_store(),
        "intake": container.intake.intake_store(),
        "sessions": container.base.session_store(),
        "throttle": container.base.throttle_counts(),
    }
    assert {type(s).__name__ for s in stores.values()} == {
        "PostgresTagStore",
        "PostgresLoanLog",
        "PostgresJobStore",
        "PostgresPrintJobStore",
        "PostgresIntakeStore",
        "PostgresSessionStore",
        "PostgresThrottleCounts",
    }
    assert len({id(s._db) for s in stores.values()}) == 1  # one pool for all
    assert all(s._db is container.base.store_connections() for s in stores.values())
    for name in ("tags", "loans", "jobs", "print-jobs", "intake", "sessions"):
        assert not (tmp_path / f"{name}.sqlite3").exists()
    container.base.store_connections().close()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mysql://db/tags", r"STORE_URL must be a PostgreSQL URL .* \(its scheme is 'mysql'\)"),
        ("postgresql://u:hunter2@db/tags", "must not carry a password; put it in STORE_PASSWORD"),
    ],
)
def test_a_store_url_the_service_cannot_use_stops_start_up(tmp_path, url, problem):
    with pytest.raises(ConfigError, match=problem) as raised:
        Settings.from_env(env(tmp_path, STORE_URL=url))
    assert "hunter2" not in raised.value.message


def test_the_store_password_is_a_secret_kept_out_of_logs(tmp_path):
    settings = Settings.from_env(
        env(tmp_path, STORE_URL="postgresql://rtutils@db/rtutils", STORE_PASSWORD="pw-0123456789")
    )
    assert "pw-0123456789" in settings.secrets()
    assert "pw-0123456789" not in repr(settings)
