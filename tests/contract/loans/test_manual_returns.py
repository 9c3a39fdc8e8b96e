"""The ManualCheckInLog contract: manual check-ins and their undoing, kept by the loan log.

Run on the in-memory log, the SQLite file and PostgreSQL.
"""

from __future__ import annotations

import pytest
from tests.conftest import SteppingClock

from rtutils_adapters.memory import MemoryLoanLog
from rtutils_adapters.postgres.loans import PostgresLoanLog
from rtutils_adapters.sqlite import SqliteLoanLog
from rtutils_core.errors import InvalidInput, LoanConflict, LoanNotFound
from rtutils_core.loans import LoanFilter
from rtutils_core.loans.manual_checkins import ManualEntry, active_manual
from rtutils_core.loans.ports import LoanLog, ManualCheckInLog


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def manual_log(request, tmp_path):
    if request.param == "memory":
        yield MemoryLoanLog(clock=SteppingClock())
    elif request.param == "sqlite":
        yield SqliteLoanLog(tmp_path / "loans.sqlite3", clock=SteppingClock())
    else:
        log = PostgresLoanLog(request.getfixturevalue("pg_url"), clock=SteppingClock())
        yield log
        log.close()


def manual(kind="lost", student_id="S1", **more) -> ManualEntry:
    values = {
        "person": "ana.l",
        "reason": "left it on the bus",
        "operator": "desk1",
        "request_id": "req-1",
    }
    return ManualEntry(kind, student_id, **{**values, **more})


def test_the_loan_log_keeps_manual_check_ins_too(manual_log):
    assert isinstance(manual_log, LoanLog)
    assert isinstance(manual_log, ManualCheckInLog)


def test_a_manual_check_in_keeps_every_field_and_is_not_a_loan_event(manual_log):
    event = manual_log.record_manual(manual(asset_id=7, tag="W12-00007"))
    assert (event.kind, event.student_id, event.asset_id, event.tag) == (
        "lost",
        "S1",
        7,
        "W12-00007",
    )
    assert event.reason == "left it on the bus"
    assert event.at.utcoffset().total_seconds() == 0
    assert list(manual_log.manual_events()) == [event]
    assert list(manual_log.events(LoanFilter())) == []


def test_undo_is_an_entry_of_its_own_and_nothing_is_deleted(manual_log):
    first = manual_log.record_manual(manual("no-device"))
    undo = manual_log.record_manual(manual("undo", undoes=first.id, reason="found it"))
    events = manual_log.manual_events(student_id="S1")
    assert [e.id for e in events] == [first.id, undo.id]
    assert active_manual(events) == []


def test_an_undo_is_refused_twice_for_another_student_or_of_nothing(manual_log):
    first = manual_log.record_manual(manual("paid"))
    manual_log.record_manual(manual("undo", undoes=first.id))
    with pytest.raises(LoanConflict, match="undone already"):
        manual_log.record_manual(manual("undo", undoes=first.id))
    other = manual_log.record_manual(manual("paid", student_id="S2"))
    with pytest.raises(LoanConflict, match="not of student"):
        manual_log.record_manual(manual("undo", undoes=other.id))
    with pytest.raises(LoanNotFound):
        manual_log.record_manual(manual("undo", undoes=999))
    assert len(manual_log.manual_events()) == 3


def test_manual_events_filter_by_time_and_student(manual_log):
    first = manual_log.record_manual(manual())
    second = manual_log.record_manual(manual(student_id="S2"))
    assert manual_log.manual_events(since=second.at) == [second]
    assert manual_log.manual_events(student_id="S1") == [first]


def test_a_manual_entry_needs_a_known_kind_and_a_reason():
    with pytest.raises(InvalidInput, match="one of no-device, lost, paid"):
        manual("stolen")
    with pytest.raises(InvalidInput, match="reason"):
        manual(reason="  ")
    with pytest.raises(InvalidInput, match="undo"):
        manual("lost", undoes=3)


def test_a_version_1_loan_log_gains_the_table_on_opening(tmp_path):
    import sqlite3

    path = tmp_path / "loans.sqlite3"
    SqliteLoanLog(path)
    with sqlite3.connect(path) as db:
        # As the first release wrote it: no manual check-ins, its version in the pragma only.
        for table in ("manual_checkins", "alembic_version_loans", "schema_version"):
            db.execute(f"DROP TABLE {table}")
        db.execute("PRAGMA user_version = 1")
    SqliteLoanLog(path).record_manual(manual())
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2
