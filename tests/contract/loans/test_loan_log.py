"""The LoanLog contract: the in-memory log, the SQLite file and PostgreSQL (a real server from
tests/pg_harness.py, a fresh database per test) must all pass every test."""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from tests.conftest import SteppingClock

from rtutils_adapters.memory import MemoryLoanLog
from rtutils_adapters.postgres import PostgresLoanLog
from rtutils_adapters.sqlite import SqliteLoanLog
from rtutils_core.errors import LoanConflict, LoanNotFound
from rtutils_core.loans import LoanEntry, LoanFilter
from rtutils_core.loans.ports import LoanLog


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def loan_log(request, tmp_path) -> LoanLog:
    if request.param == "memory":
        return MemoryLoanLog(clock=SteppingClock())
    if request.param == "postgres":
        log = PostgresLoanLog(request.getfixturevalue("pg_url"), clock=SteppingClock())
        request.addfinalizer(log.close)
        return log
    return SqliteLoanLog(tmp_path / "loans.sqlite3", clock=SteppingClock())


def entry(asset_id=1, action="check-out", person="li.wei", based_on="v1", **more) -> LoanEntry:
    return LoanEntry(
        action=action,
        asset_id=asset_id,
        tag=f"W12-{asset_id:05d}",
        person=person,
        operator="desk1",
        request_id=f"req-{asset_id}-{based_on}",
        based_on=based_on,
        **more,
    )


def test_both_logs_are_loan_logs(loan_log):
    assert isinstance(loan_log, LoanLog)


def test_record_keeps_every_field_with_an_id_and_utc_time(loan_log):
    checked_in = entry(
        7,
        "check-in",
        condition="damaged",
        damages=("broken screen", "keyboard"),
        note="dropped; 'quotes' and ünïcode",
        ticket_error="queue closed",
    )
    out = loan_log.record(entry(7, due=date(2026, 6, 30), forced=True))
    back = loan_log.record(checked_in)
    assert back.id > out.id
    assert back.at.tzinfo is not None and back.at.utcoffset() == timedelta(0)
    assert loan_log.get(out.id) == out
    assert (out.due, out.forced, out.condition) == (date(2026, 6, 30), True, None)
    got = loan_log.get(back.id)
    assert got == back
    assert (got.tag, got.person, got.operator, got.request_id) == (
        "W12-00007",
        "li.wei",
        "desk1",
        "req-7-v1",
    )
    assert (got.condition, got.damages, got.note) == (
        "damaged",
        ("broken screen", "keyboard"),
        "dropped; 'quotes' and ünïcode",
    )
    assert (got.ticket_id, got.ticket_error) == (None, "queue closed")


def test_the_same_change_recorded_twice_is_refused(loan_log):
    loan_log.record(entry(3, "check-in", based_on="v9"))
    with pytest.raises(LoanConflict):
        loan_log.record(entry(3, "check-in", based_on="v9"))
    # another version, or another action on the same version, is another change
    loan_log.record(entry(3, "check-in", based_on="v10"))
    loan_log.record(entry(3, "check-out", based_on="v9"))
    assert len(loan_log.events(LoanFilter(asset_id=3))) == 3


def test_concurrent_records_of_one_change_store_it_once(loan_log):
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def record() -> None:
        start.wait()
        try:
            loan_log.record(entry(5, "check-in", based_on="same"))
            outcomes.append("stored")
        except LoanConflict:
            outcomes.append("refused")

    threads = [threading.Thread(target=record) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused", "refused", "refused", "stored"]
    assert len(loan_log.events(LoanFilter(asset_id=5))) == 1


def test_get_unknown_event_raises_loan_not_found(loan_log):
    with pytest.raises(LoanNotFound, match="42"):
        loan_log.get(42)


def test_attach_ticket_once(loan_log):
    event = loan_log.record(entry(4, "check-in", condition="damaged", ticket_error="failed"))
    attached = loan_log.attach_ticket(event.id, 77)
    assert (attached.ticket_id, attached.ticket_error) == (77, "")
    assert loan_log.get(event.id).ticket_id == 77
    with pytest.raises(LoanConflict, match="77"):
        loan_log.attach_ticket(event.id, 78)
    with pytest.raises(LoanNotFound):
        loan_log.attach_ticket(999, 1)


def test_filters_combine_and_list_oldest_first(loan_log):
    events = [
        loan_log.record(entry(1, person="li.wei", based_on="a")),
        loan_log.record(entry(2, person="Zoe.Muller", based_on="b")),
        loan_log.record(entry(1, "check-in", person="li.wei", based_on="c")),
        loan_log.record(entry(2, "check-in", person="zoe.muller", based_on="d")),
    ]
    everything = loan_log.events(LoanFilter())
    assert [e.id for e in everything] == [e.id for e in events]
    assert [e.id for e in loan_log.events(LoanFilter(asset_id=1))] == [events[0].id, events[2].id]
    # person matches without regard to case
    assert [e.id for e in loan_log.events(LoanFilter(person="ZOE.MULLER"))] == [
        events[1].id,
        events[3].id,
    ]
    window = LoanFilter(since=events[1].at, until=events[2].at)
    assert [e.id for e in loan_log.events(window)] == [events[1].id, events[2].id]
    assert loan_log.events(LoanFilter(since=events[3].at + timedelta(seconds=1))) == []
    assert [e.id for e in loan_log.events(LoanFilter(), limit=2)] == [events[0].id, events[1].id]


def test_since_in_another_time_zone_means_the_same_moment(loan_log):
    first = loan_log.record(entry(1))
    loan_log.record(entry(2))
    other_zone = first.at.astimezone(datetime.now().astimezone().tzinfo)
    assert loan_log.events(LoanFilter(since=other_zone))[0].id == first.id
    assert loan_log.events(LoanFilter(until=first.at.astimezone(UTC)))[-1].id == first.id


def test_sqlite_log_is_private_and_survives_reopening(tmp_path):
    path = tmp_path / "loans.sqlite3"
    log = SqliteLoanLog(path)
    event = log.record(entry(9, "check-in", condition="ok"))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert SqliteLoanLog(path).get(event.id) == event
