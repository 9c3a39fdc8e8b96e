"""The return campaign against the real RT 5: the dashboard's figures equal counts made
straight from RT, and its RT requests do not grow with the number of students.

100 students and 150 devices in a catalog of its own, loaded in one go at start; the roster
import links the 100 students in 2 user searches.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime

import pytest
from tests.rt_harness import assets_data, perl_string

from rtutils_adapters.memory import MemoryLoanLog
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_adapters.rt import meter, people
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.loans.service import LoanService
from rtutils_core.returns import CampaignOptions
from rtutils_core.returns.service import ReturnService
from rtutils_core.students import school_year_of
from rtutils_core.students.service import RosterService

pytestmark = [pytest.mark.rt, pytest.mark.slow]

STUDENTS = 100
DEVICES = STUDENTS * 3 // 2  # every other student has two
GRADES = ("6", "7", "8")
WHO = {"operator": "desk1", "request_id": "req-rt"}
YEAR = school_year_of(datetime.now(UTC).date())


@pytest.fixture(scope="module")
def campaign_world(rt_server, rt_backend):
    """100 RT users in a roster, 150 devices of a new catalog owned by them, 3 check-ins."""
    run = uuid.uuid4().hex[:6]
    catalog = f"Returns {run}"
    names = [f"st{run}{n:02d}" for n in range(STUDENTS)]
    users = "".join(
        f"  {{ Name => {perl_string(n)}, EmailAddress => {perl_string(n + '@school.example')},"
        " Privileged => 0 },\n"
        for n in names
    )
    devices = [
        (AssetDraft(f"R{run}-{n:02d}-{k}", catalog, status="in-use", owner=name), ())
        for n, name in enumerate(names)
        for k in range(1 if n % 2 else 2)
    ]
    # One load of users, catalog and devices: each load of initialdata costs seconds.
    rt_server.insert_initialdata(
        f"@Users = (\n{users});\n@Catalogs = ({{ Name => {perl_string(catalog)},"
        " Lifecycle => 'assets' });\n" + assets_data(devices)
    )
    ids = {a.name: a.id for a in rt_backend.iter_assets(AssetQuery(catalog=catalog))}
    assert len(ids) == DEVICES
    log = MemoryLoanLog()
    loans = LoanService(rt_backend, log)
    roster = MemoryRoster()
    text = "student_id,first_name,last_name,grade,rt_user\n" + "".join(
        f"{run}{n:02d},F{n},L{n},{GRADES[n % 3]},{name}\n" for n, name in enumerate(names)
    )
    linking = RosterService(roster, loans.find_person, find_people=loans.find_people)
    with meter.metered() as used:
        report = linking.import_roster(text)
    assert (len(report.added), report.unlinked) == (STUDENTS, ())
    assert used.requests == -(-STUDENTS // people.BATCH)  # bulk searches, not one per student
    for n in (0, 1, 2):  # one student of each grade hands a device back
        loans.check_in(ids[f"R{run}-{n:02d}-0"], **WHO)
    returns = ReturnService(roster, loans, log, CampaignOptions(catalog))
    returns.check_in_manually(f"{run}03", "lost", "lost on a trip", **WHO)
    return returns, roster, catalog


def counted_in_rt(rt_backend, catalog, roster):
    """Devices per grade, counted from a plain search of the catalog."""
    grade_of = {s.user_name: s.grade for s in roster.students()}
    owners = [a.owner for a in rt_backend.iter_assets(AssetQuery(catalog=catalog))]
    return Counter(grade_of[o] for o in owners if o in grade_of)


def test_the_dashboard_figures_equal_counts_straight_from_rt(campaign_world, rt_backend):
    returns, roster, catalog = campaign_world
    campaign = returns.campaign(YEAR)
    in_rt = counted_in_rt(rt_backend, catalog, roster)
    figures = {g.grade: g for g in campaign.grades}
    for grade in GRADES:
        assert figures[grade].devices_out == in_rt[grade], grade
        assert figures[grade].returned == 1 + (grade == "6")  # a check-in; S03 is grade 6
    cleared = len(next(x for x in campaign.students if x.student.student_id.endswith("03")).held)
    assert campaign.total.outstanding == sum(in_rt.values()) - cleared
    assert campaign.total.students == STUDENTS


def test_rt_requests_do_not_grow_with_the_students(campaign_world):
    returns, roster, _ = campaign_world
    with meter.metered() as everyone:
        returns.campaign(YEAR)
    few = MemoryRoster()
    few.apply(list(roster.students())[:5])
    smaller = ReturnService(few, returns.loans, returns.manual_log, returns.options)
    with meter.metered() as five:
        smaller.campaign(YEAR)
    # The catalog's devices in pages of 100, however many students the roster has.
    assert everyone.requests == five.requests == -(-DEVICES // 100)
