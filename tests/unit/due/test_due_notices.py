"""Due dates and notices on the in-memory fakes: the overdue list, the rules of what is sent
when, never twice, retries on "later", reasons kept on refusals, people without an address."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from tests.unit.due.due_world import TODAY, WHO, World

from rtutils_core.due import NoticeOptions
from rtutils_core.due.service import DueQuery
from rtutils_core.errors import InvalidInput
from rtutils_core.loans.due import due_state

YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (None, "no-due"),
        (YESTERDAY, "overdue"),
        (TODAY, "due-soon"),
        (TODAY + timedelta(days=3), "due-soon"),
        (TODAY + timedelta(days=4), "due-later"),
    ],
)
def test_the_state_of_a_due_date(due, state):
    assert due_state(due, TODAY, 3) == state


def test_the_overdue_list_is_by_due_date_with_grade_and_person_filters():
    w = World()
    late = w.device("ana", YESTERDAY - timedelta(days=4))
    soon = w.device("cy", TOMORROW)
    w.device("bo", TODAY + timedelta(days=30))
    w.device("staff")  # no due date
    staff_late = w.device("staff", YESTERDAY)

    lines = w.service.due_list()
    assert [(x.loan.asset.id, x.state, x.days_overdue) for x in lines] == [
        (late, "overdue", 5),
        (staff_late, "overdue", 1),
        (soon, "due-soon", 0),
    ]
    assert [x.student.student_id if x.student else None for x in lines] == ["S1", None, "S3"]
    assert [x.loan.asset.id for x in w.service.due_list(DueQuery(grade="07"))] == [late]
    assert [x.loan.asset.id for x in w.service.due_list(DueQuery(person="STAFF"))] == [staff_late]
    everything = w.service.due_list(DueQuery(states=("overdue", "due-soon", "due-later", "no-due")))
    assert len(everything) == 5
    with pytest.raises(InvalidInput, match="state must be one of"):
        DueQuery(states=("late",))


def test_a_device_checked_in_and_out_again_belongs_to_its_new_loan():
    w = World()
    asset = w.device("ana", YESTERDAY)
    w.loans.check_in(asset, **WHO)
    w.loans.check_out(asset, "cy", due=TOMORROW, **WHO)
    (line,) = w.service.due_list()
    assert (line.loan.holder, line.loan.due, line.state) == ("cy", TOMORROW, "due-soon")


def test_check_in_says_the_due_date_of_the_loan_it_ends():
    w = World()
    asset = w.device("ana", YESTERDAY)
    done = w.loans.check_in(asset, **WHO)
    assert done.due == YESTERDAY
    again = w.device("ana")
    assert w.loans.check_in(again, **WHO).due is None


def test_a_reminder_before_the_due_date_then_overdue_notices_repeated_until_check_in():
    w = World(remind_days=2, repeat_days=7)
    asset = w.device("ana", TODAY + timedelta(days=3))
    sent = []
    for day in range(20):
        if day == 17:
            w.loans.check_in(asset, **WHO)
        w.nightly(f"job-{day}")
        sent += [(day, m.subject) for m in w.mailer.sent[len(sent) :]]
        w.days_later(1)
    tag = w.backend.get_asset(asset).name
    assert sent == [
        (1, f"reminder: {tag}"),
        (4, f"overdue: {tag}"),
        (11, f"overdue: {tag}"),
    ]
    assert {m.to for m in w.mailer.sent} == {("ana@school.example",)}


def test_a_second_run_of_the_same_day_sends_nothing():
    w = World()
    w.device("ana", YESTERDAY)
    w.device("cy", TOMORROW)
    first, report = w.nightly("job-1")
    assert (len(first), report.summary()["sent"]) == (2, 2)
    again = w.service.plan_loans()
    assert (again.drafts, len(again.recorded)) == ((), 2)
    _, second = w.nightly("job-2")
    assert second.summary() == {"sent": 0, "deferred": 0, "failed": 0, "busy": 0}
    assert len(w.mailer.sent) == 2


def test_a_person_without_an_address_is_listed_not_skipped():
    w = World()
    asset = w.device("bo", YESTERDAY)  # Bo has no e-mail address in RT
    plan = w.service.plan_loans()
    assert plan.drafts == ()
    (nobody,) = plan.unreachable
    assert (nobody.kind, nobody.student_id, nobody.name, nobody.asset_id) == (
        "overdue",
        "S2",
        "Bo Lu",
        asset,
    )


def test_a_guardian_address_from_the_roster_is_copied_or_used_alone():
    w = World()
    for student_id, guardian in (
        ("S1", "ana.parent@home.example"),
        ("S2", "bo.parent@home.example"),
    ):
        w.roster.apply([attrs.evolve(w.roster.get(student_id), guardian_email=guardian)])
    w.device("ana", YESTERDAY)
    w.device("bo", YESTERDAY)
    drafts = {d.person: (d.to, d.cc) for d in w.service.plan_loans().drafts}
    assert drafts == {
        "ana": (("ana@school.example",), ("ana.parent@home.example",)),
        "bo": (("bo.parent@home.example",), ()),
    }


def test_a_4xx_is_tried_again_later_and_a_5xx_fails_with_its_reason():
    w = World()
    w.device("ana", YESTERDAY)
    w.device("cy", YESTERDAY)
    w.mailer.answers = {"ana@school.example": ["4xx"], "cy@school.example": ["5xx"]}
    notices, report = w.nightly()
    by_person = {n.person: n.id for n in notices}
    assert report.deferred == (by_person["ana"],) and report.failed == (by_person["cy"],)
    failed = w.notices.get(by_person["cy"])
    assert (failed.state, failed.reason) == (
        "failed",
        "the mail server answered 550 5.1.1 mailbox unknown",
    )
    deferred = w.notices.get(by_person["ana"])
    assert deferred.state == "deferred" and deferred.retry_at == w.now + timedelta(minutes=5)

    assert w.outbox.send_ready("outbox-1").sent == ()  # not yet: the wait has not passed
    w.now += timedelta(minutes=5)
    assert w.outbox.send_ready("outbox-2").sent == (by_person["ana"],)
    assert [m.to for m in w.mailer.sent] == [("ana@school.example",)]
    assert (w.notices.get(by_person["ana"]).state, w.notices.get(by_person["ana"]).attempts) == (
        "sent",
        2,
    )


def test_a_notice_deferred_every_time_is_given_up_after_its_attempts():
    w = World(max_attempts=3)
    w.device("ana", YESTERDAY)
    w.mailer.answers = {"ana@school.example": ["4xx"] * 3}
    (notice,), _ = w.nightly()
    for _ in range(3):
        w.now += timedelta(days=1)
        w.outbox.send_ready("outbox")
    given_up = w.notices.get(notice.id)
    assert (given_up.state, given_up.attempts) == ("failed", 3)
    assert given_up.reason.startswith(
        "given up after 3 tries; the last answer: the mail server answered 451"
    )


def test_a_sender_that_died_mid_send_is_resumed_by_its_job_and_no_one_else_takes_it_meanwhile():
    w = World()
    w.device("ana", YESTERDAY)
    (notice,) = w.service.record(w.service.plan_loans())
    assert w.notices.claim(notice.id, "job-1", now=w.now, until=w.now + timedelta(minutes=10))
    assert w.outbox.send_ready("job-2").busy == ()  # held by job-1: not even listed as ready
    assert w.outbox.send([notice], "job-2").busy == (notice.id,)
    assert w.outbox.send([w.notices.get(notice.id)], "job-1").sent == (notice.id,)
    assert len(w.mailer.sent) == 1


def test_turned_off_kinds_are_not_planned():
    w = World(kinds=("receipt",))
    w.device("ana", YESTERDAY)
    assert w.service.plan_loans().drafts == ()
    with pytest.raises(InvalidInput, match="unknown notice kind 'nightly'"):
        NoticeOptions(kinds=("nightly",))


def test_a_receipt_names_the_device_its_due_date_and_how_it_came_back_last_time():
    w = World()
    asset = w.device("ana")
    w.loans.check_in(asset, condition="damaged", damages=["keyboard"], **WHO)
    out = w.loans.check_out(asset, "cy", due=date(2026, 6, 30), **WHO)
    plan = w.service.plan_receipt(out.event.id)
    (draft,) = plan.drafts
    assert (draft.kind, draft.to, draft.loan_id) == (
        "receipt",
        ("cy@school.example",),
        out.event.id,
    )
    assert draft.fields["device"]["due_text"] == "Tuesday 30 June 2026"
    assert draft.fields["device"]["condition"] == "damaged: keyboard"
    assert draft.fields["person"]["name"] == "Cy Lo"
    w.service.run(plan, "job-r")
    assert w.service.plan_receipt(out.event.id).drafts == ()  # recorded: never twice


def test_campaign_notices_go_to_each_student_with_devices_out_and_a_summary_per_grade():
    w = World(school_address="office@school.example")
    a1 = w.device("ana")
    w.device("bo")
    w.device("cy")
    w.loans.check_in(w.device("cy"), **WHO)
    plan = w.service.plan_campaign(2026)
    drafts = {(d.kind, d.subject): d for d in plan.drafts}
    assert set(drafts) == {
        ("campaign", "student:S1"),
        ("campaign", "student:S3"),
        ("campaign-summary", "grade:7"),
        ("campaign-summary", "grade:8"),
    }
    assert [u.student_id for u in plan.unreachable] == ["S2"]  # Bo has no address
    seventh = drafts[("campaign-summary", "grade:7")].fields
    assert [(s["student_id"], s["has_address"]) for s in seventh["students"]] == [
        ("S1", True),
        ("S2", False),
    ]
    assert drafts[("campaign", "student:S1")].fields["devices"][0]["asset_id"] == a1
    _, report = w.service.run(plan, "job-c")
    assert len(report.sent) == 4
    assert w.service.plan_campaign(2026).drafts == ()


def test_without_a_school_address_the_summaries_are_listed_as_unreachable():
    w = World()
    w.device("ana")
    plan = w.service.plan_campaign(2026)
    assert [d.kind for d in plan.drafts] == ["campaign"]
    assert [(u.kind, u.subject) for u in plan.unreachable] == [("campaign-summary", "grade:7")]
