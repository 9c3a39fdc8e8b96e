"""Audits while RT cannot be reached: a scan is kept at once; a device of the expected set
is present without RT, any other scan is pending and classified (once) when RT answers; an
audit with pending scans is not finished; starting one needs RT and says so."""

from __future__ import annotations

import pytest
from tests.unit.audits.test_audit_service import NOW, _world
from tests.unit.outbox.outbox_world import AwayBackend

from rtutils_adapters.memory import MemoryLoanLog
from rtutils_adapters.memory.audits import MemoryAuditStore
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_core.assets.service import AssetService
from rtutils_core.audits import AuditOptions, Scope
from rtutils_core.audits.jobs import audit_resolve_job_kind
from rtutils_core.audits.service import AuditService
from rtutils_core.errors import BackendUnreachable, InvalidInput, ScansPending
from rtutils_core.jobs import Job, JobContext
from rtutils_core.loans.service import LoanService
from rtutils_core.scans.service import ScanService
from rtutils_core.tags import TagFormat, TagFormats


class RtWatch:
    """RT's state as the outbox keeps it: away from the moment RT could not be reached
    until the test says the wait is over (``retry``)."""

    def __init__(self) -> None:
        self.away = False

    def is_rt_away(self) -> bool:
        return self.away

    def rt_went_away(self, error: BackendUnreachable) -> None:
        self.away = True

    def rt_answered(self) -> None:
        self.away = False

    def retry(self) -> None:
        self.away = False


@pytest.fixture
def world():
    memory, ids = _world()
    rt = AwayBackend(memory)
    tags = TagFormats(TagFormat("W12-", 5))
    scans = ScanService(
        AssetService(rt, tags), LoanService(rt, MemoryLoanLog()), MemoryRoster()
    )  # fmt: skip
    watch = RtWatch()
    store = MemoryAuditStore(clock=lambda: NOW)
    service = AuditService(rt, store, scans, AuditOptions(), clock=lambda: NOW, rt=watch)  # type: ignore[arg-type]
    audit = service.start("Room 101", Scope("location", "Room 101"), operator="op")
    return service, rt, watch, audit, ids


def test_scans_go_on_while_rt_is_away_and_are_classified_once_when_it_answers(world):
    service, rt, watch, audit, ids = world
    rt.away = True
    assert service.scan(audit.id, "W12-00001", desk="desk 1").entry.outcome == "present"
    assert service.scan(audit.id, "SN002", desk="desk 1").entry.outcome == "present"
    assert rt.refused == 0, "the expected set's tags and serials need no RT"
    elsewhere = service.scan(audit.id, "W12-00007", desk="desk 2")
    assert (elsewhere.entry.outcome, elsewhere.entry.reason) == (
        "pending", "RT unreachable: classified when RT answers"
    )  # fmt: skip
    assert rt.refused == 1 and watch.away
    nothing = service.scan(audit.id, "W12-09999", desk="desk 2").entry
    assert nothing.outcome == "pending" and rt.refused == 1, "RT is not asked again at once"
    assert service.scan(audit.id, "w12-09999").is_repeat
    shown = service.result(audit.id)
    assert shown.counts() == {
        "expected": 6, "present": 2, "missing": 4, "unexpected": 0, "unknown": 0, "pending": 2
    }  # fmt: skip
    with pytest.raises(ScansPending, match="2 scans that RT has not classified"):
        service.finish(audit.id, operator="op")
    assert service.get(audit.id).is_open

    rt.away = False
    watch.retry()
    result = service.result(audit.id)
    assert result.counts()["pending"] == 0
    [unexpected], [unknown] = result.unexpected, result.unknown
    assert (unexpected.id, unexpected.asset_id, unexpected.desk) == (
        elsewhere.entry.id, ids["W12-00007"], "desk 2"
    )  # fmt: skip
    assert unexpected.reason == "its location is Room 102"
    assert (unknown.id, unknown.text) == (nothing.id, "W12-09999")
    rt.backend.calls.clear()
    service.result(audit.id)
    assert rt.backend.calls == {}, "each pending scan is classified once"
    assert service.finish(audit.id, operator="op").state == "finished"


def scanned_while_away(world, text: str) -> None:
    """``text`` scanned while RT could not be reached; then RT answers again."""
    service, rt, watch, audit, _ = world
    rt.away = True
    service.scan(audit.id, text)
    rt.away = False
    watch.retry()


def test_a_pending_scan_of_a_device_scanned_again_by_tag_counts_once(world):
    service, _, _, audit, ids = world
    scanned_while_away(world, "W12-00008")
    # The next scan classifies the earlier ones first: the same device is the same scan.
    again = service.scan(audit.id, "W12-00008")
    assert again.is_repeat and again.entry.outcome == "unexpected"
    assert [s.asset_id for s in service.store.scans(audit.id)] == [ids["W12-00008"]]


def test_a_person_scanned_while_rt_is_away_is_unknown_once_rt_answers(world):
    service, _, _, audit, _ = world
    scanned_while_away(world, "li.wei")
    [unknown] = service.result(audit.id).unknown
    assert unknown.text == "li.wei" and "person" in unknown.reason


def test_a_scan_waits_behind_earlier_pending_ones_until_they_are_classified(world):
    service, rt, watch, audit, _ = world
    rt.away = True
    service.scan(audit.id, "W12-00007")
    watch.retry()  # the wait is over, RT is still away: the next scan tries RT once
    assert service.scan(audit.id, "W12-00008").entry.outcome == "pending"
    assert rt.refused == 2 and watch.away


def test_starting_an_audit_needs_rt_and_says_so(world):
    service, rt, watch, _, _ = world
    rt.away = True
    with pytest.raises(BackendUnreachable, match="RT cannot be reached.*start it when RT answers"):
        service.start("Room 102", Scope("location", "Room 102"), operator="op")
    assert watch.away and len(service.recent()) == 1


def test_the_resolve_job_classifies_every_audits_pending_scans(world):
    service, rt, watch, audit, _ = world
    second = service.start("Room 102", Scope("location", "Room 102"), operator="op")
    rt.away = True
    service.scan(audit.id, "W12-00007")
    service.scan(second.id, "W12-00001")
    assert list(service.pending_audits()) == [audit.id, second.id]
    kind = audit_resolve_job_kind(lambda: service)
    job = Job("j1", kind.name, "running", NOW, NOW, {})
    context = JobContext(job, lambda progress, _cp: True)
    assert kind.run(context) == {"audits": 2, "pending": 2}
    rt.away = False
    watch.retry()
    assert kind.run(context) == {"audits": 2, "pending": 0}
    assert list(service.pending_audits()) == []
    assert [s.outcome for s in service.store.scans(second.id)] == ["unexpected"]


def test_a_pending_scan_rt_refuses_for_good_is_unknown_and_holds_up_no_other(world):
    service, rt, watch, audit, ids = world
    rt.away = True
    service.scan(audit.id, "W12-00007", desk="desk 1")
    service.scan(audit.id, "AMBIGUOUS", desk="desk 1")
    service.scan(audit.id, "W12-09999", desk="desk 1")
    routed = service.pending.route

    def route(text, *args):
        if text == "AMBIGUOUS":
            raise InvalidInput("more than one device has the serial 'AMBIGUOUS'")
        return routed(text, *args)

    service.pending.route = route
    rt.away = False
    watch.retry()
    shown = service.result(audit.id)
    assert shown.counts()["pending"] == 0
    assert sorted(s.text for s in shown.unknown) == ["AMBIGUOUS", "W12-09999"]
    refused = next(s for s in shown.unknown if s.text == "AMBIGUOUS")
    assert (refused.outcome, refused.reason) == (
        "unknown", "more than one device has the serial 'AMBIGUOUS'"
    )  # fmt: skip
    service.finish(audit.id, operator="op")
    assert not service.get(audit.id).is_open
