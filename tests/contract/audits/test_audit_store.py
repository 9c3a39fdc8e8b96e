"""The AuditStore contract: memory, a SQLite file and PostgreSQL must all pass every test.

Scans are durable as they come, several desks scan into one audit at once, and a re-scan
(the same device, or the same unknown text) is the first scan again, whoever sends it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import attrs
import pytest

from rtutils_adapters.memory.audits import MemoryAuditStore
from rtutils_adapters.postgres.audits import PostgresAuditStore
from rtutils_adapters.sqlite.audits import SqliteAuditStore
from rtutils_core.audits import ExpectedAsset, Scope
from rtutils_core.audits.ports import AuditStore
from rtutils_core.audits.rules import pending_scan, unknown_scan
from rtutils_core.audits.values import ActionDraft, ScanDraft, ScanResult
from rtutils_core.errors import AuditFinished, AuditNotFound

EXPECTED = [
    ExpectedAsset(i, f"W12-{i:05d}", "Student Devices", "Chromebook 3100", "allocated", "Room 1")
    for i in range(1, 21)
]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request, tmp_path):
    if request.param == "memory":
        yield MemoryAuditStore()
    elif request.param == "sqlite":
        opened = SqliteAuditStore.in_dir(tmp_path)
        yield opened
        opened.close()
    else:
        opened = PostgresAuditStore(request.getfixturevalue("pg_url"))
        yield opened
        opened.close()


def present(i: int, desk: str = "") -> ScanDraft:
    return ScanDraft(f"asset:{i}", f"W12-{i:05d}", "present", i, f"W12-{i:05d}", desk=desk)


def test_every_store_is_an_audit_store(store):
    assert isinstance(store, AuditStore)


def test_an_audit_keeps_its_scope_and_expected_set(store):
    scope = Scope("list", tags=["W12-00001", "W12-00002"])
    first = store.create("Cart A", scope, EXPECTED, operator="op")
    second = store.create("Room 1", Scope("location", "Room 1"), [], operator="op")
    assert store.get(first.id) == first
    assert (first.name, first.scope, first.state, first.expected_count) == (
        "Cart A",
        scope,
        "open",
        20,
    )
    assert list(store.expected(first.id)) == EXPECTED
    assert [a.id for a in store.list()] == [second.id, first.id]
    with pytest.raises(AuditNotFound):
        store.get(999)


def test_a_rescan_is_the_first_scan_again(store):
    audit = store.create("Room 1", Scope("location", "Room 1"), EXPECTED, operator="op")
    first = store.record_scan(audit.id, present(1, "desk 1"))
    again = store.record_scan(audit.id, present(1, "desk 2"))
    assert not first.is_repeat and again.is_repeat
    assert again.entry == first.entry and again.entry.desk == "desk 1"
    unknown = ScanDraft("text:zz-1", "ZZ-1", "unknown", reason="nothing is known as 'ZZ-1'")
    assert store.record_scan(audit.id, unknown).entry.asset_id is None
    assert [s.key for s in store.scans(audit.id)] == ["asset:1", "text:zz-1"]


def test_two_desks_scanning_at_once_keep_every_device_once(store):
    audit = store.create("Room 1", Scope("location", "Room 1"), EXPECTED, operator="op")
    # Both desks scan every device, in opposite orders.
    work = [(i, "desk 1") for i in range(1, 21)] + [(i, "desk 2") for i in range(20, 0, -1)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda w: store.record_scan(audit.id, present(*w)), work))
    assert sum(not r.is_repeat for r in results) == 20
    assert sorted(s.asset_id for s in store.scans(audit.id)) == list(range(1, 21))


def test_a_finished_audit_takes_no_scans_and_finishes_once(store):
    audit = store.create("Room 1", Scope("location", "Room 1"), EXPECTED, operator="op")
    store.record_scan(audit.id, present(1))
    done = store.finish(audit.id, operator="ana")
    assert (done.state, done.finished_by) == ("finished", "ana") and done.finished is not None
    assert store.finish(audit.id, operator="bo") == done
    with pytest.raises(AuditFinished):
        store.record_scan(audit.id, present(2))


def test_the_log_keeps_every_change_in_order(store):
    audit = store.create("Room 1", Scope("location", "Room 1"), EXPECTED, operator="op")
    store.log(audit.id, ActionDraft("lost", 3, "W12-00003", "ana", "not in the room"))
    store.log(audit.id, ActionDraft("audited", 1, "W12-00001", "ana", error="refused"))
    log = store.actions(audit.id)
    assert [(a.kind, a.asset_id, a.comment, a.error) for a in log] == [
        ("lost", 3, "not in the room", ""),
        ("audited", 1, "", "refused"),
    ]
    assert log[0].at <= log[1].at


def pending(text: str, desk: str = "desk 1") -> ScanDraft:
    return attrs.evolve(pending_scan(text), desk=desk, operator="op")


def test_a_pending_scan_is_classified_once_keeping_its_desk_and_time(store):
    audit = store.create("Room 1", Scope("location", "Room 1"), EXPECTED, operator="op")
    kept = store.record_scan(audit.id, pending("W12-00099")).entry
    assert kept.outcome == "pending" and store.record_scan(audit.id, pending("w12-00099")).is_repeat
    assert list(store.pending_audits()) == [audit.id]
    elsewhere = ScanDraft("asset:99", "W12-00099", "unexpected", 99, "W12-00099", reason="Room 2")
    done = store.classify(audit.id, kept.id, elsewhere)
    assert done is not None and not done.is_repeat
    assert (done.entry.id, done.entry.key, done.entry.outcome, done.entry.asset_id) == (
        kept.id, "asset:99", "unexpected", 99
    )  # fmt: skip
    assert (done.entry.text, done.entry.desk, done.entry.at) == ("W12-00099", "desk 1", kept.at)
    # A second classification (another worker, another answer) changes nothing.
    again = store.classify(audit.id, kept.id, unknown_scan("W12-00099", "no such tag"))
    assert again is not None and again.entry == done.entry
    assert list(store.pending_audits()) == []
    assert store.record_scan(audit.id, elsewhere).is_repeat


def test_a_pending_scan_of_a_device_scanned_meanwhile_is_that_scan(store):
    audit = store.create("Room 1", Scope("location", "Room 1"), EXPECTED, operator="op")
    by_serial = store.record_scan(audit.id, pending("SN-7")).entry
    by_tag = store.record_scan(audit.id, present(7, "desk 2")).entry
    done = store.classify(audit.id, by_serial.id, attrs.evolve(present(7), text="SN-7"))
    assert done is not None and done.is_repeat and done.entry == by_tag
    assert [s.id for s in store.scans(audit.id)] == [by_tag.id]
    assert store.classify(audit.id, by_serial.id, present(7)) == ScanResult(by_tag, True)


def test_a_finished_audit_still_has_its_pending_scans_classified(store):
    audit = store.create("Room 1", Scope("location", "Room 1"), EXPECTED, operator="op")
    kept = store.record_scan(audit.id, pending("ZZ-1")).entry
    store.finish(audit.id, operator="op")
    done = store.classify(audit.id, kept.id, unknown_scan("ZZ-1", "nothing is known"))
    assert done is not None and (done.entry.outcome, done.entry.key) == ("unknown", "text:zz-1")
    assert store.classify(audit.id, 10_000, unknown_scan("ZZ-2", "")) is None
