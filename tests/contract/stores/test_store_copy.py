"""Every store besides the tags: schema versions, ``db upgrade`` and ``db copy`` from SQLite
files into a real PostgreSQL (tests/pg_harness.py), read back through the stores' ports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import attrs
import psycopg
import pytest

from rtutils_adapters.postgres import (
    PostgresIntakeStore,
    PostgresJobStore,
    PostgresLoanLog,
    PostgresPrintJobStore,
    PostgresTagStore,
)
from rtutils_adapters.postgres.audits import PostgresAuditStore
from rtutils_adapters.postgres.notices import PostgresNoticeLog
from rtutils_adapters.postgres.outbox import PostgresOutbox
from rtutils_adapters.postgres.roster import PostgresRoster
from rtutils_adapters.postgres.sessions import PostgresSessionStore
from rtutils_adapters.postgres.throttle import PostgresThrottleCounts
from rtutils_adapters.sqlite import (
    SqliteIntakeStore,
    SqliteLoanLog,
    SqlitePrintJobStore,
    SqliteTagStore,
)
from rtutils_adapters.sqlite.audits import SqliteAuditStore
from rtutils_adapters.sqlite.jobs import SqliteJobStore
from rtutils_adapters.sqlite.notices import SqliteNoticeLog
from rtutils_adapters.sqlite.outbox import SqliteOutbox
from rtutils_adapters.stores import copy_stores, upgrade_stores
from rtutils_core.audits import ExpectedAsset, Scope
from rtutils_core.audits.values import ActionDraft, ScanDraft
from rtutils_core.due import NoticeDraft
from rtutils_core.errors import ConfigError, SchemaTooNew
from rtutils_core.loans import LoanEntry, LoanFilter
from rtutils_core.outbox import Operation
from rtutils_core.printing.print_jobs import PrintItem, PrintJob
from rtutils_core.tags import TagFormat

T0 = datetime(2025, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)
COMPONENTS = [
    "tags",
    "loans",
    "intake",
    "jobs",
    "print_jobs",
    "roster",
    "audits",
    "notices",
    "outbox",
]
#: Each store's schema version (1 unless a migration was added since).
VERSIONS = {"loans": 2, "roster": 2, "audits": 2, "outbox": 2}
NOTICE = NoticeDraft(
    "receipt", "loan:1", date(2025, 3, 1), ("li@school.example",), fields={"name": "Li Wéi"}
)
STORES = [
    PostgresAuditStore,
    PostgresLoanLog,
    PostgresIntakeStore,
    PostgresJobStore,
    PostgresPrintJobStore,
    PostgresRoster,
    PostgresNoticeLog,
    PostgresSessionStore,
    PostgresOutbox,
    PostgresThrottleCounts,
]


@pytest.mark.parametrize("cls", STORES, ids=lambda cls: cls.COMPONENT)
def test_each_store_refuses_a_newer_schema_of_its_own(pg_url, cls):
    cls(pg_url).close()
    newer = len(cls.MIGRATIONS) + 1
    with psycopg.connect(pg_url) as db:
        db.execute(
            "UPDATE schema_version SET version = %s WHERE component = %s", (newer, cls.COMPONENT)
        )
    with pytest.raises(SchemaTooNew, match=f"the {cls.COMPONENT} schema of .* is version {newer}"):
        cls(pg_url)
    PostgresTagStore(pg_url).close()  # the others' rows are their own


def test_upgrade_brings_every_store_up_on_sqlite_and_on_postgres(tmp_path, pg_url):
    for where in (None, pg_url):
        first = upgrade_stores(where, tmp_path)
        # The sessions, the import files and the throttle's counts have a schema in
        # PostgreSQL only (never copied).
        names = COMPONENTS + (["sessions", "imports", "throttle"] if where else [])
        assert [(c.component, c.before, c.after) for c in first] == [
            (name, 0, VERSIONS.get(name, 1)) for name in names
        ]
        again = upgrade_stores(where, tmp_path)
        assert not any(c.is_changed for c in again)
    assert {p.name for p in tmp_path.iterdir()} >= {
        "tags.sqlite3",
        "loans.sqlite3",
        "intake.sqlite3",
        "jobs.sqlite3",
        "print-jobs.sqlite3",
    }


def fill_sqlite(folder):
    tags = SqliteTagStore.in_dir(folder)
    tags.reserve(TagFormat("W12-", 5), 7, actor="desk", request_id="r")
    log = SqliteLoanLog.in_dir(folder)
    loan = LoanEntry(
        action="check-out",
        asset_id=7,
        tag="W12-00001",
        person="Li.Wei",
        operator="desk1",
        request_id="r1",
        based_on="v1",
        damages=("screen",),
        note="'quoted'\ttab\nline",
        due=date(2026, 6, 30),
        forced=True,
    )
    log.record(loan)
    intake = SqliteIntakeStore.in_dir(folder)
    intake.open("k1", "S1", "fp", lease=600)
    intake.claim_name("k1", "Brave Otter")
    jobs = SqliteJobStore.in_dir(folder)
    job = jobs.create("import", {"rows": [1, 2]}, now=T0, schedule="nightly")
    jobs.claim(job.id, "w1", now=T0, lease_until=T0 + timedelta(seconds=30))
    jobs.claim_slot("nightly", 5, now=T0)
    prints = SqlitePrintJobStore.in_dir(folder)
    prints.add(
        PrintJob(
            id="p1",
            printer="desk",
            template="large",
            items=[PrintItem(7, "W12-00001")],
            created_at=T0,
            updated_at=T0,
        )
    )
    notices = SqliteNoticeLog.in_dir(folder)
    notices.record([NOTICE], now=T0)
    outbox = SqliteOutbox.in_dir(folder)
    outbox.add(Operation("check-in", 7, "W12-00001", "key-1", "desk1", "r2", {"note": "x"}), now=T0)
    return log, intake, jobs, prints, job.id


def test_copy_moves_every_store_and_each_reads_back_the_same(tmp_path, pg_url):
    log, intake, jobs, prints, job_id = fill_sqlite(tmp_path)

    tags, others = copy_stores(tmp_path, pg_url)

    assert tags.counts["tags"] == 1
    assert {c.component: c.counts for c in others} == {
        "loans": {"loan_events": 1, "manual_checkins": 0},
        "intake": {"submissions": 1, "names": 1},
        "jobs": {"jobs": 1, "schedule_slots": 1},
        "print_jobs": {"print_jobs": 1},
        "notices": {"notices": 1},
        "outbox": {"outbox_operations": 1, "known_assets": 0},
    }
    pg_log, pg_intake = PostgresLoanLog(pg_url), PostgresIntakeStore(pg_url)
    pg_jobs, pg_prints = PostgresJobStore(pg_url), PostgresPrintJobStore(pg_url)
    assert pg_log.events(LoanFilter()) == log.events(LoanFilter())
    assert pg_intake.get("k1") == intake.get("k1")
    assert not pg_intake.claim_name(pg_intake.open("k2", "S2", "fp", lease=0).key, "brave otter")
    assert pg_intake.get("k2").id > intake.get("k1").id  # ids go on after the copied ones
    assert pg_jobs.get(job_id) == jobs.get(job_id)
    assert not pg_jobs.claim_slot("nightly", 5, now=T0)
    assert pg_prints.get("p1") == prints.get("p1")
    pg_notices, notices = PostgresNoticeLog(pg_url), SqliteNoticeLog.in_dir(tmp_path)
    assert pg_notices.notices() == notices.notices()
    (later,) = pg_notices.record([attrs.evolve(NOTICE, subject="loan:2")], now=T0)
    assert later.id > notices.notices()[0].id  # ids go on after the copied ones
    pg_outbox = PostgresOutbox(pg_url)
    assert pg_outbox.get(1) == SqliteOutbox.in_dir(tmp_path).get(1)
    assert (
        pg_outbox.add(
            Operation("check-out", 8, "W12-00002", "key-2", "desk1", "r3", {"person": "li.wei"}),
            now=T0,
        )[0].id
        == 2
    )  # ids go on after the copied ones
    for store in (pg_log, pg_intake, pg_jobs, pg_prints, pg_notices, notices, pg_outbox):
        store.close()

    with pytest.raises(ConfigError, match="holds loans data already"):
        copy_stores(tmp_path, pg_url)


def test_a_copy_refused_for_one_store_writes_no_tags_either(tmp_path, pg_url):
    fill_sqlite(tmp_path)
    PostgresJobStore(pg_url).create("other", {}, now=T0)
    with pytest.raises(ConfigError, match=r"holds jobs data already \(1 jobs\)"):
        copy_stores(tmp_path, pg_url)
    store = PostgresTagStore(pg_url)
    assert store.counts() == {"sequences": 0, "tags": 0, "events": 0}
    store.close()


def test_copy_moves_the_audits_and_their_ids_go_on(tmp_path, pg_url):
    SqliteTagStore.in_dir(tmp_path).close()  # a copy starts with the tag store
    audits = SqliteAuditStore.in_dir(tmp_path)
    expected = [ExpectedAsset(7, "W12-00007", "Student Devices", "Chromebook 3100")]
    audit = audits.create("Room 1", Scope("location", "Room 1"), expected, operator="ana")
    audits.record_scan(audit.id, ScanDraft("asset:7", "W12-00007", "present", 7, "W12-00007"))
    audits.log(audit.id, ActionDraft("audited", 7, "W12-00007", "ana"))
    audits.finish(audit.id, operator="ana")

    _, others = copy_stores(tmp_path, pg_url)

    copied = {c.component: c.counts for c in others}["audits"]
    assert copied == {"audits": 1, "audit_expected": 1, "audit_scans": 1, "audit_actions": 1}
    target = PostgresAuditStore(pg_url)
    assert target.get(audit.id) == audits.get(audit.id)
    assert target.scans(audit.id) == audits.scans(audit.id)
    assert target.actions(audit.id) == audits.actions(audit.id)
    assert target.create("Room 2", Scope("location", "Room 2"), [], operator="bo").id > audit.id
    target.close()
    audits.close()
