"""The loan desk end to end: LoanService over the fake and the real RT 5, with a SQLite log."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from tests.contract.loans.loan_world import REPAIR_QUEUE
from tests.rt_harness import STUDENT_DEVICES

from rtutils_adapters.sqlite import SqliteLoanLog
from rtutils_core.assets import AssetQuery
from rtutils_core.errors import (
    AlreadyCheckedIn,
    AssetChanged,
    BackendRejected,
    HeldByAnother,
    InvalidInput,
    LoanConflict,
    PersonNotFound,
)
from rtutils_core.loans import LoanOptions
from rtutils_core.loans.export import loans_csv, outstanding_csv
from rtutils_core.loans.service import LoanService

AMARA, LI, ZOE = "amara.okafor", "li.wei", "zoe.muller"


@pytest.fixture
def log_path(tmp_path):
    return tmp_path / "loans.sqlite3"


def desk(world, log_path, **options) -> LoanService:
    return LoanService(world.backend, SqliteLoanLog(log_path), LoanOptions(**options))


def read(world, asset_id):
    return world.backend.read_asset_state(asset_id).asset


def held(world, ids) -> dict[int, tuple[str | None, str]]:
    """Owner and status of each of ``ids`` as the backend holds them (one search)."""
    found = world.backend.search_assets(AssetQuery(ids=ids)).items
    return {a.id: (a.owner, a.status) for a in found}


def mine(service: LoanService, ids) -> list:
    return [e for e in service.events() if e.asset_id in ids]


def test_ten_devices_out_to_two_students_and_back_with_two_damaged(loan_world, log_path):
    service = desk(loan_world, log_path)
    devices = loan_world.devices(10)
    people = {AMARA: devices[:5], LI: devices[5:]}
    for person, ids in people.items():
        user = service.find_person(person)  # scanned once, then the devices
        for device in ids:
            service.check_out(device, user, operator="desk1", request_id=f"out-{device}")
    # One bulk read of all ten as RT holds them now.
    expected = {d: (p, "in-use") for p, ids in people.items() for d in ids}
    assert held(loan_world, devices) == expected
    damaged = {devices[2]: ("broken screen",), devices[7]: ("keyboard", "missing charger")}
    for device in devices:
        result = service.check_in(
            device,
            operator="desk1",
            request_id=f"in-{device}",
            condition="damaged" if device in damaged else "ok",
            damages=damaged.get(device, ()),
        )
        assert (result.asset.owner, result.asset.status) == (None, "allocated")  # read back
        assert result.holders == ((AMARA,) if device in people[AMARA] else (LI,))
        assert (result.ticket_id is not None) == (device in damaged)
        assert result.ticket_error == ""
    assert held(loan_world, devices) == dict.fromkeys(devices, (None, "allocated"))
    tickets = {e.asset_id: e.ticket_id for e in service.events() if e.ticket_id}
    assert set(tickets) == set(damaged)
    for device, ticket_id in tickets.items():
        ticket = loan_world.ticket(ticket_id)
        assert (ticket["queue"], ticket["refers_to"]) == (REPAIR_QUEUE, [device])
    events = mine(service, devices)
    assert len(events) == 20
    assert [e.action for e in events] == ["check-out"] * 10 + ["check-in"] * 10
    rows = list(csv.DictReader(io.StringIO(loans_csv(events))))
    assert len(rows) == 20
    assert {r["damages"] for r in rows if r["condition"] == "damaged"} == {
        "broken screen",
        "keyboard; missing charger",
    }


def test_check_out_of_a_device_someone_else_holds_names_them_and_changes_nothing(
    loan_world, log_path
):
    service = desk(loan_world, log_path)
    (device,) = loan_world.devices(1)
    service.check_out(device, AMARA, operator="desk1", request_id="r1")
    before = read(loan_world, device)
    with pytest.raises(HeldByAnother, match=AMARA) as refused:
        service.check_out(device, LI, operator="desk1", request_id="r2")
    assert refused.value.holders == (AMARA,)
    after = read(loan_world, device)
    assert (after.owner, after.status, after.version) == (AMARA, "in-use", before.version)
    assert len(mine(service, [device])) == 1


def test_a_forced_check_out_moves_the_device_and_is_logged_as_forced(loan_world, log_path):
    service = desk(loan_world, log_path)
    (device,) = loan_world.devices(1)
    service.check_out(device, AMARA, operator="desk1", request_id="r1")
    result = service.check_out(device, LI, operator="admin", request_id="r2", force=True)
    assert result.previous == (AMARA,)
    assert read(loan_world, device).owner == LI
    assert [e.forced for e in mine(service, [device])] == [False, True]


def test_checking_out_again_to_the_holder_changes_nothing(loan_world, log_path):
    service = desk(loan_world, log_path)
    (device,) = loan_world.devices(1)
    service.check_out(device, AMARA, operator="desk1", request_id="r1")
    again = service.check_out(device, AMARA, operator="desk1", request_id="r2")
    assert (again.changed, again.event) == (False, None)
    assert len(mine(service, [device])) == 1


@pytest.mark.parametrize("person", ["no.such.student", "no.such.student@students.example.org"])
def test_an_unknown_person_is_not_found_and_no_user_is_created(loan_world, log_path, person):
    service = desk(loan_world, log_path)
    (device,) = loan_world.devices(1)
    users = loan_world.user_count()
    with pytest.raises(PersonNotFound, match=person):
        service.check_out(device, person, operator="desk1", request_id="r1")
    assert loan_world.user_count() == users
    assert read(loan_world, device).owner is None


def test_a_person_is_found_by_email(loan_world, log_path):
    service = desk(loan_world, log_path)
    (device,) = loan_world.devices(1)
    result = service.check_out(
        device, "zoe.muller@students.example.org", operator="d", request_id="r"
    )
    assert result.person.name == ZOE
    assert read(loan_world, device).owner == ZOE


def test_two_concurrent_check_ins_of_one_device_make_one_event(loan_world, log_path):
    (device,) = loan_world.devices(1)
    desk(loan_world, log_path).check_out(device, LI, operator="d", request_id="out")
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def check_in(n: int) -> None:
        service = desk(loan_world, log_path)  # two desks, one RT, one log file
        start.wait()
        try:
            outcomes.append(service.check_in(device, operator=f"desk{n}", request_id=f"in{n}"))
        except (AlreadyCheckedIn, AssetChanged) as error:
            outcomes.append(error)

    threads = [threading.Thread(target=check_in, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The second desk is refused: "already checked in" when RT has the first desk's write
    # whole by the time it looks, "changed in RT meanwhile; scan it again" while RT is still
    # applying it (RT writes a PUT's fields one after the other).
    refused = [o for o in outcomes if isinstance(o, AlreadyCheckedIn | AssetChanged)]
    assert len(outcomes) == 2 and len(refused) == 1
    assert "already checked in" in refused[0].message or "scan it again" in refused[0].message
    events = mine(desk(loan_world, log_path), [device])
    assert [e.action for e in events] == ["check-out", "check-in"]


def test_checking_in_a_device_nobody_holds_says_so(loan_world, log_path):
    service = desk(loan_world, log_path)
    (device,) = loan_world.devices(1)
    with pytest.raises(AlreadyCheckedIn, match=str(device)):
        service.check_in(device, operator="d", request_id="r")
    assert mine(service, [device]) == []


def test_check_in_shows_the_holder_and_their_other_devices(loan_world, log_path):
    service = desk(loan_world, log_path)
    devices = loan_world.devices(3)
    person = service.find_person(ZOE)
    for device in devices:
        service.check_out(device, person, operator="d", request_id="r")
    result = service.check_in(devices[0], operator="d", request_id="r")
    assert result.holders == (ZOE,)
    assert {a.id for a in result.others} >= set(devices[1:])
    assert devices[0] not in {a.id for a in result.others}


def test_a_failed_ticket_leaves_the_check_in_standing_and_can_be_opened_again(loan_world, log_path):
    broken = desk(loan_world, log_path, repair_queue="No Such Queue")
    (device,) = loan_world.devices(1)
    broken.check_out(device, AMARA, operator="d", request_id="out")
    result = broken.check_in(
        device, operator="d", request_id="in", condition="damaged", note="hinge cracked"
    )
    assert result.ticket_id is None
    assert "No Such Queue" in result.ticket_error
    assert (read(loan_world, device).owner, read(loan_world, device).status) == (
        None,
        "allocated",
    )
    assert result.event.needs_ticket
    fixed = desk(loan_world, log_path)
    event = fixed.reopen_ticket(result.event.id)
    assert event.ticket_id is not None and event.ticket_error == ""
    assert loan_world.ticket(event.ticket_id)["refers_to"] == [device]
    with pytest.raises(LoanConflict, match=str(event.ticket_id)):
        fixed.reopen_ticket(result.event.id)
    assert [e.action for e in mine(fixed, [device])] == ["check-out", "check-in"]


def test_check_in_all_for_a_person(loan_world, log_path):
    service = desk(loan_world, log_path)
    devices = loan_world.devices(3)
    for device in devices:
        service.check_out(device, LI, operator="d", request_id="r")
    results = service.check_in_all(LI, operator="d", request_id="all")
    assert {r.asset.id for r in results if not isinstance(r, Exception)} >= set(devices)
    assert all(read(loan_world, d).owner is None for d in devices)
    assert service.person_loans(LI).assets == ()


@pytest.mark.parametrize("role", ["Owner", "HeldBy"])
def test_still_out_lists_the_devices_on_loan(loan_world, log_path, role):
    service = desk(loan_world, log_path, role=role)
    out = loan_world.devices(2)
    back = loan_world.devices(1)
    for device in out + back:
        service.check_out(device, AMARA, operator="d", request_id="r")
    service.check_in(back[0], operator="d", request_id="r")
    still = {a.id: a for a in service.iter_still_out(STUDENT_DEVICES)}
    assert set(out) <= set(still)
    assert back[0] not in still
    rows = list(csv.DictReader(io.StringIO(outstanding_csv(still.values(), service.options))))
    assert {r["holder"] for r in rows if int(r["asset_id"]) in out} == {AMARA}


def test_a_status_rt_refuses_writes_nothing_in_the_end(loan_world, log_path):
    service = desk(loan_world, log_path)
    (device,) = loan_world.devices(1)
    version = read(loan_world, device).version
    loan_world.backend.write_loan(device, "Owner", None, "recycled", if_version=version)
    with pytest.raises(BackendRejected, match="status 'in-use'.*put back to nobody"):
        service.check_out(device, AMARA, operator="d", request_id="r")
    after = read(loan_world, device)
    assert (after.owner, after.status) == (None, "recycled")
    assert mine(service, [device]) == []


def test_a_malformed_report_is_refused_before_anything_is_written(loan_world, log_path):
    service = desk(loan_world, log_path)
    (device,) = loan_world.devices(1)
    service.check_out(device, AMARA, operator="d", request_id="r")
    with pytest.raises(InvalidInput, match="unknown damage 'dented'"):
        service.check_in(
            device, operator="d", request_id="r", condition="damaged", damages=["dented"]
        )
    assert read(loan_world, device).owner == AMARA


def test_configured_statuses_are_checked_against_the_lifecycle(loan_world, log_path):
    service = desk(loan_world, log_path)
    devices = loan_world.devices(2)
    service.check_out(devices[0], AMARA, operator="d", request_id="r")
    assert service.check_statuses(STUDENT_DEVICES).is_ok
    wrong = desk(loan_world, log_path, checkin_status="new")
    check = wrong.check_statuses(STUDENT_DEVICES)
    assert not check.is_ok
    assert "'in-use' -> 'new'" in check.problems[0]
    assert loan_world.backend.read_asset_state(devices[1]).moves is not None
