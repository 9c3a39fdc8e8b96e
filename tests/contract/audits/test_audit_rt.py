"""Audits against the real RT 5: the expected set costs one search per page of 100 devices,
not a request per device; Last Audited is written where it changed and read back."""

from __future__ import annotations

import math

import pytest
from tests.contract.audits.audit_world import HALL_SIZE, ROOM_SIZE, audit_world
from tests.contract.loans.loan_world import REPAIR_QUEUE, _rt_world
from tests.rt_harness import RTServer

from rtutils_adapters.memory import MemoryLoanLog
from rtutils_adapters.memory.audits import MemoryAuditStore
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_adapters.rt import RTRestBackend
from rtutils_core.assets import AssetQuery
from rtutils_core.assets.service import AssetService
from rtutils_core.audits import AuditOptions, Scope
from rtutils_core.audits.service import AuditService
from rtutils_core.loans.service import LoanService
from rtutils_core.scans.service import ScanService
from rtutils_core.tags import TagFormat, TagFormats

pytestmark = pytest.mark.rt
__all__ = ["audit_world"]  # a fixture used by name


def service_on(rt_server: RTServer, prefix: str) -> tuple[AuditService, RTRestBackend]:
    backend = RTRestBackend(rt_server.url, rt_server.token, read_timeout=60)
    backend.warm_metadata()  # catalogs and fields: read once per process, not per audit
    assets = AssetService(backend, TagFormats(TagFormat(prefix, 5)))
    scans = ScanService(assets, LoanService(backend, MemoryLoanLog()), MemoryRoster())
    return AuditService(backend, MemoryAuditStore(), scans), backend


def test_starting_an_audit_costs_one_search_per_page_not_per_device(rt_server, audit_world):
    service, backend = service_on(rt_server, audit_world.prefix)
    costs = {}
    for location, size in ((audit_world.room, ROOM_SIZE), (audit_world.hall, HALL_SIZE)):
        before = backend.requests_sent
        audit = service.start(location, Scope("location", location), operator="op")
        assert audit.expected_count == size
        costs[size] = backend.requests_sent - before
    assert costs == {ROOM_SIZE: math.ceil(ROOM_SIZE / 100), HALL_SIZE: math.ceil(HALL_SIZE / 100)}
    # A list scope: one search per 100 tags.
    before = backend.requests_sent
    listed = service.start("cart", Scope("list", tags=audit_world.room_tags), operator="op")
    assert listed.expected_count == ROOM_SIZE
    assert backend.requests_sent - before == 1


def test_a_scan_of_the_expected_set_asks_rt_nothing(rt_server, audit_world):
    service, backend = service_on(rt_server, audit_world.prefix)
    audit = service.start("room", Scope("location", audit_world.room), operator="op")
    before = backend.requests_sent
    for tag in audit_world.room_tags[:5]:
        assert service.scan(audit.id, tag).entry.outcome == "present"
    assert backend.requests_sent == before
    elsewhere = service.scan(audit.id, audit_world.other_tags[0]).entry
    assert elsewhere.outcome == "unexpected" and audit_world.other_room in elsewhere.reason
    unknown = service.scan(audit.id, audit_world.tag(99_999)).entry
    assert unknown.outcome == "unknown"


def test_last_audited_is_written_only_where_it_changed(rt_server, audit_world):
    service, backend = service_on(rt_server, audit_world.prefix)
    # Devices of the hall: no other test writes them.
    tags = [audit_world.tag(n) for n in range(ROOM_SIZE + 10, ROOM_SIZE + 13)]
    audit = service.start("cart", Scope("list", tags=tags), operator="op")
    for tag in tags[:2]:
        service.scan(audit.id, tag)
    service.finish(audit.id, operator="op")
    report = service.write_audited(audit.id, operator="op")
    day = report.day.isoformat()
    assert len(report.written) == 2 and report.failed == ()
    found = {a.name: a.cf("Last Audited") for a in backend.iter_assets(AssetQuery(names=tags))}
    assert found == {tags[0]: day, tags[1]: day, tags[2]: ""}
    before = backend.requests_sent
    again = service.write_audited(audit.id)
    assert again.written == () and len(again.unchanged) == 2
    assert backend.requests_sent - before == 1, "one search, no write"


def test_missing_devices_are_marked_lost_and_unexpected_ones_moved_in_rt(rt_server, audit_world):
    service, backend = service_on(rt_server, audit_world.prefix)
    service.options = AuditOptions(queue=REPAIR_QUEUE)
    shelf, bench = audit_world.shelf_tags, audit_world.bench_tag
    audit = service.start("shelf", Scope("location", audit_world.shelf), operator="op")
    assert service.scan(audit.id, shelf[0]).entry.outcome == "present"
    assert service.scan(audit.id, bench).entry.outcome == "unexpected"
    service.finish(audit.id, operator="op")
    missing, moved = audit_world.ids[shelf[1]], audit_world.ids[bench]
    done = service.mark_lost(audit.id, [missing], "not on the shelf", operator="op")
    assert [d.ok for d in done] == [True], done
    assert backend.get_asset(missing).status == "stolen"
    assert [m.ok for m in service.move_here(audit.id, [moved], operator="op")] == [True]
    after = backend.get_asset(moved)
    assert after.cf("Location") == audit_world.shelf
    assert after.cf("Last Audited") == service.audit_day(service.get(audit.id)).isoformat()
    log = [(a.kind, a.asset_id, a.comment) for a in service.store.actions(audit.id)]
    assert log == [("lost", missing, "not on the shelf"), ("moved", moved, "")]
    ticket = _rt_world(rt_server, backend).ticket(service.store.actions(audit.id)[0].ticket_id)
    assert (ticket["queue"], ticket["refers_to"]) == (REPAIR_QUEUE, [missing])
