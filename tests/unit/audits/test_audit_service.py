"""Audits on the fakes: the expected set, scans classified (locally where they can be), a
re-scan counted once, the result per model, Last Audited written only where it changed,
missing devices marked lost and unexpected ones moved, each logged."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from rtutils_adapters.memory import MemoryBackend, MemoryLoanLog
from rtutils_adapters.memory.audits import MemoryAuditStore
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_core.assets import AssetChanges, AssetDraft, AssetQuery
from rtutils_core.assets.service import AssetService
from rtutils_core.audits import AuditOptions, Scope
from rtutils_core.audits.jobs import audit_write_job_kind
from rtutils_core.audits.service import AuditService
from rtutils_core.errors import AuditFinished, Conflict, InvalidInput, NotADevice
from rtutils_core.jobs import Job, JobContext
from rtutils_core.loans.service import LoanService
from rtutils_core.scans.service import ScanService
from rtutils_core.tags import TagFormat, TagFormats

CATALOG = "Student Devices"
FIELDS = ("Serial Number", "Model", "Location", "Last Audited")
NOW = datetime(2025, 6, 2, 15, 0, tzinfo=UTC)


def _world() -> tuple[MemoryBackend, dict[str, int]]:
    backend = MemoryBackend()
    backend.add_catalog(CATALOG, FIELDS)
    backend.add_user("li.wei", "Li Wei", "li.wei@example.org")
    ids = {}
    for n in range(1, 7):
        model = "Chromebook 3100" if n <= 4 else "Charger"
        fields = {"Serial Number": f"SN{n:03d}", "Model": model, "Location": "Room 101"}
        ids[f"W12-{n:05d}"] = backend.add_asset(
            AssetDraft(f"W12-{n:05d}", CATALOG, "allocated", custom_fields=fields)
        ).id
    for n in (7, 8):
        fields = {"Model": "Chromebook 3100", "Location": "Room 102"}
        ids[f"W12-{n:05d}"] = backend.add_asset(
            AssetDraft(f"W12-{n:05d}", CATALOG, custom_fields=fields)
        ).id
    return backend, ids


@pytest.fixture
def world():
    backend, ids = _world()
    store = MemoryAuditStore(clock=lambda: NOW)
    tags = TagFormats(TagFormat("W12-", 5))
    scans = ScanService(
        AssetService(backend, tags), LoanService(backend, MemoryLoanLog()), MemoryRoster()
    )
    service = AuditService(backend, store, scans, AuditOptions(), clock=lambda: NOW)
    return service, backend, ids


def test_the_expected_set_is_the_scope_read_in_bulk(world):
    service, backend, ids = world
    backend.calls.clear()
    audit = service.start("Room 101 spring", Scope("location", "Room 101"), operator="op")
    assert audit.expected_count == 6
    assert [e.tag for e in service.store.expected(audit.id)] == [
        f"W12-{n:05d}" for n in range(1, 7)
    ]
    assert backend.calls == {"search_assets": 1}


def test_a_list_scope_reads_a_hundred_tags_per_search(world):
    service, backend, _ = world
    backend.calls.clear()
    tags = [f"W12-{n:05d}" for n in range(1, 250)]
    audit = service.start("Cart A", Scope("list", tags=tags), operator="op")
    assert audit.expected_count == 8
    assert backend.calls == {"search_assets": 3}


def test_scans_are_present_unexpected_or_unknown_and_a_rescan_counts_once(world):
    service, backend, ids = world
    audit = service.start("Room 101", Scope("location", "Room 101"), operator="op")
    backend.calls.clear()
    first = service.scan(audit.id, "W12-00001", desk="desk 1")
    assert (first.entry.outcome, first.is_repeat) == ("present", False)
    assert service.scan(audit.id, "SN002").entry.outcome == "present"  # by serial
    assert backend.calls == {}, "the expected set's tags and serials need no RT"
    again = service.scan(audit.id, " W12-00001 ", desk="desk 2")
    assert again.is_repeat and again.entry.desk == "desk 1"
    elsewhere = service.scan(audit.id, "W12-00007").entry
    assert (elsewhere.outcome, elsewhere.reason) == ("unexpected", "its location is Room 102")
    unknown = service.scan(audit.id, "W12-09999").entry
    assert unknown.outcome == "unknown" and "W12-09999" in unknown.reason
    assert service.scan(audit.id, "w12-09999").is_repeat
    with pytest.raises(NotADevice, match="person"):
        service.scan(audit.id, "li.wei")
    result = service.result(audit.id)
    assert result.counts() == {
        "expected": 6,
        "present": 2,
        "missing": 4,
        "unexpected": 1,
        "unknown": 1,
        "pending": 0,
    }
    figures = {m.model: (m.expected, m.present, m.missing, m.unexpected) for m in result.models}
    assert figures == {"Charger": (2, 0, 2, 0), "Chromebook 3100": (4, 2, 2, 1)}


def test_finishing_writes_last_audited_where_it_changed_and_a_second_time_nothing(world):
    service, backend, ids = world
    audit = service.start("Room 101", Scope("location", "Room 101"), operator="op")
    for tag in ("W12-00001", "W12-00002", "W12-00003"):
        service.scan(audit.id, tag)
    backend.update_asset(ids["W12-00003"], _audited("2025-06-02"))
    with pytest.raises(Conflict, match="not finished"):
        service.write_audited(audit.id)
    service.finish(audit.id, operator="op")
    service.finish(audit.id, operator="op")
    with pytest.raises(AuditFinished):
        service.scan(audit.id, "W12-00004")
    report = service.write_audited(audit.id, operator="op")
    assert report.day == date(2025, 6, 2)
    assert set(report.written) == {ids["W12-00001"], ids["W12-00002"]}
    assert report.unchanged == (ids["W12-00003"],)
    audited = {
        a.name: a.cf("Last Audited") for a in backend.iter_assets(AssetQuery(catalog=CATALOG))
    }
    assert [n for n, v in audited.items() if v] == ["W12-00001", "W12-00002", "W12-00003"]
    backend.calls.clear()
    again = service.write_audited(audit.id)
    assert again.written == () and len(again.unchanged) == 3
    assert "update_asset" not in backend.calls
    assert [a.kind for a in service.store.actions(audit.id)] == ["audited", "audited"]


def test_the_write_is_a_job_with_progress(world):
    service, _backend, _ = world
    audit = service.start("Room 101", Scope("location", "Room 101"), operator="op")
    service.scan(audit.id, "W12-00001")
    service.finish(audit.id, operator="op")
    reports = []
    job = Job("j1", "audit-write", "running", NOW, NOW, {"audit_id": audit.id, "operator": "op"})
    context = JobContext(job, lambda progress, _cp: reports.append(progress) or True)
    result = audit_write_job_kind(lambda: service).run(context)
    assert result["written"] == 1 and result["day"] == "2025-06-02"
    steps = [(p.done, p.total) for p in reports if p is not None]
    assert steps[-1] == (1, 1) and (0, 1) in steps


def test_missing_devices_are_marked_lost_and_unexpected_ones_moved_each_logged(world):
    service, backend, ids = world
    audit = service.start("Room 101", Scope("location", "Room 101"), operator="op")
    service.scan(audit.id, "W12-00001")
    service.scan(audit.id, "W12-00008")
    with pytest.raises(Conflict, match="finish it first"):
        service.mark_lost(audit.id, [ids["W12-00006"]], "not in the room", operator="op")
    service.finish(audit.id, operator="op")
    with pytest.raises(InvalidInput, match="say why"):
        service.mark_lost(audit.id, [ids["W12-00006"]], " ", operator="op")
    done = service.mark_lost(
        audit.id, [ids["W12-00006"], ids["W12-00001"]], "not in the room", operator="op"
    )
    assert [(d.tag, d.ok) for d in done] == [("W12-00006", True), ("", False)]
    assert "is not missing" in done[1].message
    assert backend.get_asset(ids["W12-00006"]).status == "stolen"
    moved = service.move_here(audit.id, [ids["W12-00008"]], operator="op")
    assert moved[0].ok
    after = backend.get_asset(ids["W12-00008"])
    assert (after.cf("Location"), after.cf("Last Audited")) == ("Room 101", "2025-06-02")
    log = [(a.kind, a.tag, a.comment) for a in service.store.actions(audit.id)]
    assert log == [("lost", "W12-00006", "not in the room"), ("moved", "W12-00008", "")]


def test_overdue_devices_are_never_or_long_ago_audited(world):
    service, backend, ids = world
    backend.update_asset(ids["W12-00001"], _audited("2025-05-01"))
    backend.update_asset(ids["W12-00002"], _audited("2023-01-01"))
    found = [a.name for a in service.overdue(CATALOG)]
    # Never audited first, then the oldest; W12-00001 was audited a month ago.
    assert found[-1] == "W12-00002" and "W12-00001" not in found
    assert len(found) == 7


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        (lambda: Scope("room", "x"), "scope is one of"),
        (lambda: Scope("location", " "), "needs a value"),
        (lambda: Scope("list"), "1 to"),
    ],
)
def test_a_bad_scope_is_named(scope, message):
    with pytest.raises(InvalidInput, match=message):
        scope()


def _audited(day: str) -> AssetChanges:
    return AssetChanges(custom_fields={"Last Audited": day})


def test_with_a_queue_a_device_marked_lost_gets_a_ticket_with_the_comment(world):
    service, backend, ids = world
    service.options = AuditOptions(queue="Lost Devices")
    audit = service.start("Room 101", Scope("location", "Room 101"), operator="op")
    service.finish(audit.id, operator="op")
    done = service.mark_lost(audit.id, [ids["W12-00005"]], "not in the room", operator="ana")
    assert done[0].ok and done[0].message.startswith("ticket #")
    entry = service.store.actions(audit.id)[0]
    ticket = backend.ticket(entry.ticket_id)
    assert (ticket.queue, ticket.asset_id) == ("Lost Devices", ids["W12-00005"])
    assert "not in the room" in ticket.content and "W12-00005" in ticket.subject
