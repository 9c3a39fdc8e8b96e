"""An attempt of a check-out or check-in cut short is resumed from its journal: nothing that
landed in the backend is written twice, and the loan log records each change once."""

from __future__ import annotations

import pytest
from tests.unit.loans.test_loan_service import world

from rtutils_core.assets import TicketDraft
from rtutils_core.errors import (
    AlreadyCheckedIn,
    BackendUnreachable,
    HolderChanged,
    InvalidInput,
)
from rtutils_core.loans import Journal, LoanSteps


class Cut(Exception):
    """The process died here."""


def cut_after(backend, method: str):
    """Make ``method`` of ``backend`` do its work, then "die" before its answer arrives."""
    real = getattr(backend, method)

    def landed_then_lost(*args, **kwargs):
        real(*args, **kwargs)
        raise Cut(method)

    setattr(backend, method, landed_then_lost)
    return lambda: setattr(backend, method, real)


def kept() -> tuple[list[LoanSteps], Journal]:
    seen: list[LoanSteps] = []
    return seen, Journal(keep=seen.append, resumable=True)


def test_a_check_out_whose_write_landed_is_logged_once_on_the_next_attempt():
    service, backend, ids = world()
    seen, journal = kept()
    heal = cut_after(backend, "write_loan")
    with pytest.raises(Cut):
        service.check_out(ids[0], "li.wei", operator="d", request_id="r1", journal=journal)
    heal()
    assert backend.get_asset(ids[0]).owner == "li.wei" and not service.events()
    writes = backend.calls["write_loan"]
    again = service.check_out(
        ids[0], "li.wei", operator="d", request_id="r1", journal=Journal(seen[-1])
    )
    assert again.changed and backend.calls["write_loan"] == writes
    (event,) = service.events()
    assert (event.action, event.based_on, event.request_id) == (
        "check-out",
        seen[-1].written_from,
        "r1",
    )


def test_an_attempt_after_the_log_was_written_finds_its_own_event():
    service, backend, ids = world()
    seen, journal = kept()
    first = service.check_out(ids[0], "li.wei", operator="d", request_id="r1", journal=journal)
    again = service.check_out(
        ids[0], "li.wei", operator="d", request_id="r1", journal=Journal(seen[-1])
    )
    assert again.event == first.event and len(service.events()) == 1


def test_a_check_in_cut_after_its_ticket_finds_the_ticket_instead_of_opening_another():
    service, backend, ids = world()
    service.check_out(ids[0], "li.wei", operator="d", request_id="r0")
    seen, journal = kept()
    report = {"condition": "damaged", "damages": ["battery"]}
    heal = cut_after(backend, "open_ticket")
    with pytest.raises(Cut):
        service.check_in(ids[0], operator="d", request_id="r1", journal=journal, **report)
    heal()
    steps = seen[-1]
    assert steps.tickets_before == frozenset() and steps.ticket_id is None
    result = service.check_in(
        ids[0], operator="d", request_id="r1", journal=Journal(steps), **report
    )
    assert backend.calls["open_ticket"] == 1, "the ticket was opened twice"
    assert result.ticket_id is not None and result.holders == ("li.wei",)
    assert [e.action for e in service.events()] == ["check-out", "check-in"]
    assert service.events()[-1].ticket_id == result.ticket_id


def test_a_ticket_about_the_same_asset_with_another_subject_is_not_taken_for_ours():
    service, backend, ids = world()
    service.check_out(ids[0], "li.wei", operator="d", request_id="r0")
    seen, journal = kept()
    heal = cut_after(backend, "write_loan")
    with pytest.raises(Cut):
        service.check_in(ids[0], operator="d", request_id="r1", note="cracked", journal=journal)
    heal()
    steps = LoanSteps(seen[-1].written_from, seen[-1].holders, frozenset(), None)
    other = backend.open_ticket(TicketDraft("Device Repair", "Someone else's", asset_id=ids[0]))
    result = service.check_in(
        ids[0], operator="d", request_id="r1", note="cracked", journal=Journal(steps)
    )
    assert result.ticket_id not in (None, other)


def test_a_resumable_check_in_stops_when_the_ticket_cannot_reach_the_backend():
    service, backend, ids = world()
    service.check_out(ids[0], "li.wei", operator="d", request_id="r0")

    def unreachable(draft):
        raise BackendUnreachable("RT at rt could not be reached: Connection refused")

    backend.open_ticket = unreachable
    seen, journal = kept()
    with pytest.raises(BackendUnreachable):
        service.check_in(ids[0], operator="d", request_id="r1", note="x", journal=journal)
    assert seen[-1].tickets_before is not None and len(service.events()) == 1
    # Without an outbox to resume it, the check-in stands and says why it has no ticket.
    service.check_out(ids[1], "li.wei", operator="d", request_id="r2")
    done = service.check_in(ids[1], operator="d", request_id="r3", note="x")
    assert "could not be reached" in done.ticket_error


def test_a_device_handed_to_someone_else_is_not_taken_back_from_them():
    service, backend, ids = world()
    service.check_out(ids[0], "zoe.muller", operator="d", request_id="r0")
    with pytest.raises(HolderChanged, match="zoe.muller") as caught:
        service.check_in(ids[0], operator="d", request_id="r1", expect_holders=("li.wei",))
    assert caught.value.holders == ("zoe.muller",)
    assert backend.get_asset(ids[0]).owner == "zoe.muller"


def test_an_attempt_whose_write_never_landed_writes_it_now():
    service, backend, ids = world()
    service.check_out(ids[0], "li.wei", operator="d", request_id="r0")
    stale = LoanSteps(written_from="an old version", holders=("li.wei",))
    service.check_in(ids[0], operator="d", request_id="r1", journal=Journal(stale))
    assert backend.get_asset(ids[0]).owner is None
    with pytest.raises(AlreadyCheckedIn):
        service.check_in(ids[0], operator="d", request_id="r2")


def test_steps_survive_their_json_and_unreadable_ones_are_refused():
    steps = LoanSteps("7", ("li.wei",), frozenset({3, 1}), 9)
    assert LoanSteps.of(steps.as_dict()) == steps
    assert LoanSteps.of(None) == LoanSteps() == LoanSteps.of({})
    with pytest.raises(InvalidInput, match="unreadable"):
        LoanSteps.of({"ticket_id": "nine"})
