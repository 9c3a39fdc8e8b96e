"""The overdue list against the real RT 5 and a real loan log (SQLite): equal to a count made
here, from what the test did at the desk and who RT says holds each device now.

Devices checked out with due dates from three days ago to two days ahead; some checked in,
one handed to someone else in RT directly (no due date then), one checked out again with a
new due date. Other tests' devices are out in the same RT, but this log never lent them:
they have no due date, so the list's default states never show them.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from tests.rt_harness import STUDENT_DEVICES, unique_name
from tests.unit.due.due_world import FakeMailer, FakeRenderer

from rtutils_adapters.memory.notices import MemoryNoticeLog
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_adapters.sqlite import SqliteLoanLog
from rtutils_core.assets import AssetDraft
from rtutils_core.due import NoticeOptions
from rtutils_core.due.outbox import Outbox
from rtutils_core.due.service import DueQuery, DueService
from rtutils_core.loans.due import due_state
from rtutils_core.loans.service import LoanService
from rtutils_core.students.service import RosterService

pytestmark = pytest.mark.rt

TODAY = date.today()
PEOPLE = ("li.wei", "amara.okafor", "zoe.muller")
ALL = ("overdue", "due-soon", "due-later")


def test_the_overdue_list_equals_a_count_made_from_rt_and_the_desk(rt_server, rt_backend, tmp_path):
    run = unique_name("DUE")
    drafts = [
        (AssetDraft(f"{run}-{k:02d}", STUDENT_DEVICES, status="allocated"), ()) for k in range(12)
    ]
    ids = [rt_server.insert_assets(drafts)[d.name] for d, _ in drafts]
    loans = LoanService(rt_backend, SqliteLoanLog(tmp_path / "loans.sqlite3"))
    who = {"operator": "desk1", "request_id": "req-due"}
    lent: dict[int, tuple[str, date]] = {}  # what the desk did: asset -> (holder, due)
    for k, asset_id in enumerate(ids):
        person, due = PEOPLE[k % 3], TODAY + timedelta(days=k % 6 - 3)
        loans.check_out(asset_id, person, due=due, **who)
        lent[asset_id] = (person, due)
    for asset_id in (ids[0], ids[6]):  # back at the desk
        loans.check_in(asset_id, **who)
        del lent[asset_id]
    state = rt_backend.read_asset_state(ids[1])  # handed over in RT, past the desk
    rt_backend.write_loan(ids[1], "Owner", rt_backend.get_user("zoe.muller"), "in-use",
                          if_version=state.asset.version or "")  # fmt: skip
    del lent[ids[1]]
    loans.check_in(ids[2], **who)
    loans.check_out(ids[2], "li.wei", due=TODAY + timedelta(days=1), **who)
    lent[ids[2]] = ("li.wei", TODAY + timedelta(days=1))

    roster = MemoryRoster()
    RosterService(roster, loans.find_person).import_roster(
        "student_id,first_name,last_name,grade,rt_user\nS1,Li,Wei,7,li.wei\n"
    )
    outbox = Outbox(MemoryNoticeLog(), FakeRenderer(), FakeMailer(), NoticeOptions())
    due = DueService(loans, roster, MemoryNoticeLog(), lambda: outbox, today=lambda: TODAY)

    # The count made here: RT's holder now, the due date the desk gave that holder.
    counted: dict[int, tuple[str, date, str]] = {}
    for asset_id, (person, day) in lent.items():
        owner = rt_backend.get_asset(asset_id).owner
        if owner == person:
            counted[asset_id] = (person, day, due_state(day, TODAY, 3))
    assert len(counted) == 9

    listed = due.due_list(DueQuery(states=ALL, catalog=STUDENT_DEVICES))
    ours = {
        x.loan.asset.id: (x.loan.holder, x.loan.due, x.state)
        for x in listed
        if x.loan.asset.id in ids
    }
    assert ours == counted
    assert ids[1] not in ours  # RT's own hand-over carries no due date
    default = [x for x in due.due_list() if x.loan.asset.id in ids]
    assert Counter(x.state for x in default) == Counter(
        s for _, _, s in counted.values() if s in ("overdue", "due-soon")
    )
    assert [x.loan.due for x in default] == sorted(x.loan.due for x in default)
    seventh = {
        x.loan.asset.id
        for x in due.due_list(DueQuery(states=ALL, grade="7"))
        if x.loan.asset.id in ids
    }
    assert seventh == {a for a, (p, _, _) in counted.items() if p == "li.wei"}
    overdue = [x for x in default if x.state == "overdue"]
    assert all(x.days_overdue == (TODAY - x.loan.due).days for x in overdue)
