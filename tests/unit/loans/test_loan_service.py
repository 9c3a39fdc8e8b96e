"""LoanService with the in-memory fakes: options, reports, faults and what the log holds."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from tests.contract.conftest import load_memory
from tests.rt_harness import STUDENT_DEVICES

from rtutils_adapters.memory import MemoryBackend, MemoryLoanLog
from rtutils_core.assets import AssetDraft, TicketDraft
from rtutils_core.errors import (
    BackendUnavailable,
    HeldByAnother,
    InvalidInput,
    LoanNotFound,
    PersonNotFound,
)
from rtutils_core.loans import LoanOptions, check_due
from rtutils_core.loans.export import loans_csv
from rtutils_core.loans.service import LoanService


class TicketsDownBackend(MemoryBackend):
    """The fake backend whose ticket creation fails while ``down`` is set."""

    down = True

    def open_ticket(self, draft: TicketDraft) -> int:
        if self.down:
            raise BackendUnavailable("RT failed on creating a ticket with HTTP 502")
        return super().open_ticket(draft)


def world(backend: MemoryBackend | None = None, **options):
    if backend is None:
        backend, _ = load_memory(())
    ids = [
        backend.add_asset(AssetDraft(f"W12-{n:05d}", STUDENT_DEVICES, status="allocated")).id
        for n in range(1, 4)
    ]
    return LoanService(backend, MemoryLoanLog(), LoanOptions(**options)), backend, ids


def fault_world():
    backend = TicketsDownBackend("http://rt.invalid")
    full, _ = load_memory(())
    for catalog in full.list_catalogs():
        backend.add_catalog(catalog.name, full.catalog_custom_fields(catalog.name))
    for user in full.records.users.values():
        backend.add_user(user.name, user.real_name, user.email)
    return world(backend)


@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"role": "Contact"}, "Owner or HeldBy"),
        ({"checkout_status": " "}, "check-out status may not be empty"),
        ({"checkin_status": "in-use"}, "different statuses"),
        ({"damages": ()}, "at least one"),
        ({"repair_queue": ""}, "repair queue"),
    ],
)
def test_bad_options_are_refused_naming_the_problem(options, problem):
    with pytest.raises(InvalidInput, match=problem):
        LoanOptions(**options)


@pytest.mark.parametrize(
    ("report", "problem"),
    [
        ({"condition": "fine"}, "condition must be 'ok' or 'damaged'"),
        ({"condition": "ok", "damages": ["keyboard"]}, "'ok' cannot have damages"),
        ({"condition": "damaged"}, "needs a damage from the list or a note"),
        ({"condition": "damaged", "damages": ["dent"]}, "unknown damage 'dent'"),
        ({"condition": "ok", "note": "x" * 2001}, "longer than 2000"),
    ],
)
def test_a_bad_report_is_refused_and_nothing_is_written(report, problem):
    service, backend, ids = world()
    service.check_out(ids[0], "li.wei", operator="d", request_id="r")
    writes = backend.calls.get("write_loan", 0)
    with pytest.raises(InvalidInput, match=problem):
        service.check_in(ids[0], operator="d", request_id="r", **report)
    assert backend.calls.get("write_loan", 0) == writes
    assert backend.get_asset(ids[0]).owner == "li.wei"


def test_an_ok_check_in_with_a_note_opens_a_ticket_with_the_note():
    service, backend, ids = world()
    service.check_out(ids[0], "li.wei", operator="d", request_id="r")
    result = service.check_in(ids[0], operator="desk2", request_id="r9", note="sticker on lid")
    ticket = backend.ticket(result.ticket_id)
    assert (ticket.queue, ticket.asset_id) == ("Device Repair", ids[0])
    assert "sticker on lid" in ticket.content and "desk2" in ticket.content
    assert ticket.requestor is None  # the student is never mailed by RT


def test_a_check_in_without_ticket_when_asked_not_to_open_one():
    service, _, ids = world()
    service.check_out(ids[0], "li.wei", operator="d", request_id="r")
    result = service.check_in(ids[0], operator="d", request_id="r", note="x", open_ticket=False)
    assert result.ticket_id is None
    assert result.event.needs_ticket


def test_ticket_failure_then_reopen_once_the_backend_is_back():
    service, backend, ids = fault_world()
    service.check_out(ids[0], "amara.okafor", operator="d", request_id="r")
    result = service.check_in(
        ids[0], operator="d", request_id="r", condition="damaged", damages=["battery"]
    )
    assert "HTTP 502" in result.ticket_error
    assert backend.get_asset(ids[0]).owner is None
    assert service.log.get(result.event.id).ticket_error == result.ticket_error
    with pytest.raises(BackendUnavailable):
        service.reopen_ticket(result.event.id)
    backend.down = False
    event = service.reopen_ticket(result.event.id)
    assert backend.ticket(event.ticket_id).asset_id == ids[0]
    assert len(service.events()) == 2  # no second check-in


def test_reopen_refuses_a_check_out_and_an_unknown_loan():
    service, _, ids = world()
    out = service.check_out(ids[0], "li.wei", operator="d", request_id="r")
    with pytest.raises(InvalidInput, match="not a check-in with damage"):
        service.reopen_ticket(out.event.id)
    with pytest.raises(LoanNotFound):
        service.reopen_ticket(999)


def test_held_by_role_conflict_names_every_holder():
    service, backend, ids = world(role="HeldBy")
    service.check_out(ids[0], "li.wei", operator="d", request_id="r")
    with pytest.raises(HeldByAnother, match="li.wei"):
        service.check_out(ids[0], "zoe.muller", operator="d", request_id="r")
    assert backend.get_asset(ids[0]).held_by == ("li.wei",)
    assert backend.get_asset(ids[0]).owner is None


def test_the_holder_with_another_status_is_checked_out_without_force():
    service, backend, ids = world()
    version = backend.get_asset(ids[0]).version
    backend.write_loan(ids[0], "Owner", backend.get_user("li.wei"), "allocated", if_version=version)
    result = service.check_out(ids[0], "li.wei", operator="d", request_id="r")
    assert (result.changed, result.event.forced) == (True, False)
    assert backend.get_asset(ids[0]).status == "in-use"


def test_a_blank_person_is_invalid_and_an_unknown_one_names_what_was_looked_for():
    service, _, _ = world()
    with pytest.raises(InvalidInput):
        service.find_person("  ")
    with pytest.raises(PersonNotFound, match="'someone@else.org'"):
        service.find_person(" someone@else.org ")


def test_the_log_records_operator_request_due_and_person():
    service, _, ids = world()
    out = service.check_out(
        ids[0], "li.wei", operator="desk1", request_id="abc", due=date(2026, 6, 19)
    )
    event = service.log.get(out.event.id)
    assert (event.operator, event.request_id, event.due, event.person, event.tag) == (
        "desk1",
        "abc",
        date(2026, 6, 19),
        "li.wei",
        "W12-00001",
    )


def test_csv_quotes_formulas_typed_in_notes():
    service, _, ids = world()
    service.check_out(ids[0], "li.wei", operator="d", request_id="r")
    service.check_in(ids[0], operator="d", request_id="r", note="=HYPERLINK(1)", open_ticket=False)
    rows = list(csv.DictReader(io.StringIO(loans_csv(service.events()))))
    assert rows[1]["note"] == "'=HYPERLINK(1)"
    assert rows[0]["forced"] == "no"


def test_logs_carry_ids_never_names(caplog):
    service, _, ids = world()
    with caplog.at_level("INFO", logger="rtutils.loans"):
        service.check_out(ids[0], "amara.okafor", operator="d", request_id="r")
        service.check_in(ids[0], operator="d", request_id="r", note="cracked")
    assert caplog.records
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert "amara" not in text and "cracked" not in text
        assert record.asset_id == ids[0]


def test_a_filter_moment_without_a_utc_time_is_refused_naming_it():
    from datetime import datetime, timedelta, timezone

    from rtutils_core.errors import InvalidInput
    from rtutils_core.loans import LoanFilter

    edge = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=14)))
    with pytest.raises(InvalidInput, match="since .* outside the calendar in UTC"):
        LoanFilter(since=edge)


def test_a_due_date_is_today_or_later():
    today = date(2025, 6, 1)
    assert check_due(None, today) is None
    assert check_due(today, today) == today
    assert check_due(date(2025, 6, 2), today) == date(2025, 6, 2)
    with pytest.raises(InvalidInput, match=r"today \(2025-06-01\) or later, not 2025-05-31"):
        check_due(date(2025, 5, 31), today)
