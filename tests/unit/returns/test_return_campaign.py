"""The return campaign on the in-memory fakes: figures, filters, manual check-ins, exports."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from tests.unit.outbox.outbox_world import AwayBackend

from rtutils_adapters.memory import MemoryBackend, MemoryLoanLog
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_core.assets import AssetDraft
from rtutils_core.errors import InvalidInput, LoanConflict
from rtutils_core.loans.service import LoanService
from rtutils_core.returns import CampaignOptions
from rtutils_core.returns.export import campaign_csv, history_csv, outstanding_csv
from rtutils_core.returns.service import ReturnService
from rtutils_core.students import school_year_of
from rtutils_core.students.service import RosterService

CATALOG = "Student Devices"
YEAR = school_year_of(datetime.now(UTC).date())
WHO = {"operator": "desk1", "request_id": "req-1"}
ROSTER = (
    "student_id,first_name,last_name,grade,rt_user\n"
    "S1,Ana,Li,7,ana\nS2,Bo,Lu,7,bo\nS3,Cy,Lo,7,cy\n"
    "S4,Di,Ma,8,di\nS5,Ed,Mo,8,ed\nS6,Fa,Mu,8,nobody@nowhere\n"
)


class World:
    def __init__(self, extra_students: int = 0) -> None:
        self.backend = MemoryBackend()
        self.backend.add_catalog(CATALOG)
        self.backend.add_catalog("Staff Laptops")
        for name in ("ana", "bo", "cy", "di", "ed"):
            self.backend.add_user(name)
        self.log = MemoryLoanLog()
        self.loans = LoanService(self.backend, self.log)
        self.roster = MemoryRoster()
        text = ROSTER + "".join(f"X{n},Ex,Tra,5,x{n}\n" for n in range(extra_students))
        RosterService(self.roster, self.loans.find_person).import_roster(text)
        self.returns = ReturnService(self.roster, self.loans, self.log, CampaignOptions(CATALOG))

    def device(self, person: str, catalog: str = CATALOG) -> int:
        tag = f"W12-{len(self.backend.records.assets) + 1:05d}"
        asset = self.backend.add_asset(AssetDraft(tag, catalog, status="allocated"))
        self.loans.check_out(asset.id, person, **WHO)
        return asset.id


@pytest.fixture
def world() -> World:
    w = World()
    w.device("ana")  # S1 still holds one
    w.loans.check_in(w.device("bo"), **WHO)  # S2 returned
    w.device("di")
    w.device("di")  # S4 holds two
    lost = w.device("ed")  # S5 lost one, holds another
    w.device("ed")
    w.returns.check_in_manually("S5", "lost", "left it on the bus", asset_id=lost, **WHO)
    w.device("cy", "Staff Laptops")  # not the campaign's catalog
    return w


def figures(campaign, grade):
    found = next(g for g in (*campaign.grades, campaign.total) if g.grade == grade)
    return (
        found.students,
        found.devices_out,
        found.returned,
        found.outstanding,
        found.completion_rate,
    )


def test_figures_per_grade_from_rt_and_the_loan_log(world):
    campaign = world.returns.campaign(YEAR)
    assert figures(campaign, "7") == (3, 1, 1, 1, 0.5)
    assert figures(campaign, "8") == (3, 4, 1, 3, 0.0)
    assert figures(campaign, "all") == (6, 5, 2, 4, 0.25)
    assert campaign.unlinked == 1
    states = {x.student.student_id: x.state for x in campaign.students}
    assert states == {
        "S1": "outstanding",
        "S2": "returned",
        "S3": "none",
        "S4": "outstanding",
        "S5": "outstanding",
        "S6": "none",
    }


def test_a_manual_check_in_without_a_device_clears_the_student_and_undo_brings_it_back(world):
    event = world.returns.check_in_manually("S4", "paid", "paid for both", **WHO)
    assert figures(world.returns.campaign(YEAR), "8") == (3, 4, 2, 1, 0.5)
    world.returns.undo_manual("S4", event.id, "entered by mistake", **WHO)
    assert figures(world.returns.campaign(YEAR), "8") == (3, 4, 1, 3, 0.0)
    with pytest.raises(LoanConflict, match="undone already"):
        world.returns.undo_manual("S4", event.id, "again", **WHO)
    kinds = [m.kind for m in world.returns.student(YEAR, "S4").manual_events]
    assert kinds == ["paid", "undo"]


def test_a_manual_check_in_of_a_device_the_student_does_not_hold_is_refused(world):
    with pytest.raises(InvalidInput, match="does not hold asset 999"):
        world.returns.check_in_manually("S1", "lost", "gone", asset_id=999, **WHO)
    with pytest.raises(InvalidInput, match="one of no-device, lost, paid"):
        world.returns.check_in_manually("S1", "stolen", "gone", **WHO)


def test_the_student_list_filters_by_grade_state_and_text(world):
    ids = lambda found: [x.student.student_id for x in found]  # noqa: E731
    assert ids(world.returns.students(YEAR, grade="07")) == ["S1", "S3", "S2"]
    assert ids(world.returns.students(YEAR, state="outstanding")) == ["S1", "S4", "S5"]
    assert ids(world.returns.students(YEAR, grade="8", text="MO")) == ["S5"]
    with pytest.raises(InvalidInput, match="state must be one of"):
        world.returns.students(YEAR, state="gone")


def test_a_students_page_holds_the_devices_now_and_the_whole_loan_log(world):
    history = world.returns.student(YEAR, "S5")
    assert len(history.entry.held) == 2 and len(history.entry.outstanding) == 1
    assert [e.action for e in history.events] == ["check-out", "check-out"]
    assert history.entry.manual[0].reason == "left it on the bus"


def test_the_exports(world):
    campaign = world.returns.campaign(YEAR)
    out = list(csv.DictReader(io.StringIO(outstanding_csv(campaign))))
    assert [(r["grade"], r["student_id"]) for r in out] == [("7", "S1"), *[("8", "S4")] * 2,
                                                            ("8", "S5")]  # fmt: skip
    whole = list(csv.DictReader(io.StringIO(campaign_csv(campaign))))
    assert {r["student_id"]: r["state"] for r in whole}["S2"] == "returned"
    history = list(csv.DictReader(io.StringIO(history_csv(world.returns.student(YEAR, "S5")))))
    assert [r["kind"] for r in history] == ["check-out", "check-out", "lost"]


def test_returns_per_grade_per_day_for_the_chart(world):
    days = world.returns.campaign(YEAR, days=3).days
    assert len(days) == 6  # 3 days x grades 7 and 8
    today = [(d.grade, d.returns) for d in days[-2:]]
    assert today == [("7", 1), ("8", 1)]


def test_the_search_for_devices_out_does_not_grow_with_the_students():
    small, large = World(), World(extra_students=150)
    for w in (small, large):
        w.device("ana")
        w.backend.calls.clear()
        w.returns.campaign(YEAR)
    assert small.backend.calls == large.backend.calls == {"search_on_loan": 1}


def test_manual_check_ins_while_rt_is_away_go_by_the_loan_log(world):
    held = world.device("di")
    world.loans.backend = AwayBackend(world.backend)
    world.loans.backend.away = True
    # Without a device nothing needs RT; with one, the loan log's last word is enough.
    assert world.returns.check_in_manually("S1", "no-device", "never got one", **WHO).id
    event = world.returns.check_in_manually("S4", "lost", "lost on a trip", asset_id=held, **WHO)
    assert (event.asset_id, event.tag) == (held, world.backend.get_asset(held).name)
    assert world.loans.backend.refused == 1
    with pytest.raises(InvalidInput, match="RT cannot be reached and the loan log does not show"):
        world.returns.check_in_manually("S1", "lost", "not theirs", asset_id=held, **WHO)
