"""The return campaign's notices (pure): one to each student with devices outstanding, and a
summary per grade to the school's address."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from rtutils_core.due.people import Person, asset_fields
from rtutils_core.due.plan import common_fields, person_draft, unreachable
from rtutils_core.due.values import NoticeDraft, NoticeOptions, Unreachable
from rtutils_core.returns import Campaign, StudentReturn


def _student_draft(
    line: StudentReturn, person: Person, base: dict[str, Any], today: date
) -> NoticeDraft:
    fields = {**base, "devices": [asset_fields(a) for a in line.outstanding]}
    return person_draft("campaign", f"student:{line.student.student_id}", person, today, fields)


def _summary_draft(
    grade: str,
    lines: list[tuple[StudentReturn, Person]],
    base: dict[str, Any],
    today: date,
    options: NoticeOptions,
) -> NoticeDraft:
    students = [
        {
            **person.fields(),
            "devices": [a.name for a in line.outstanding],
            "has_address": bool(person.to),
        }
        for line, person in lines
    ]
    return NoticeDraft(
        kind="campaign-summary",
        subject=f"grade:{grade}",
        day=today,
        to=(options.school_address,),
        fields={
            **base,
            "grade": grade,
            "students": students,
            "devices_outstanding": sum(len(s["devices"]) for s in students),
        },
    )


def plan_campaign(
    campaign: Campaign, people: Mapping[str, Person], today: date, options: NoticeOptions
) -> tuple[list[NoticeDraft], list[Unreachable]]:
    """The notices of ``campaign`` for ``today``: each kind only when it is switched on."""
    base = {**common_fields(today, options), "year": campaign.year}
    drafts: list[NoticeDraft] = []
    nobody: list[Unreachable] = []
    by_grade: dict[str, list[tuple[StudentReturn, Person]]] = {}
    for line in campaign.students:
        if not line.outstanding:
            continue
        login = line.student.user_name
        person = people.get(login) or Person(login, None, line.student)
        by_grade.setdefault(line.student.grade, []).append((line, person))
        if not options.is_on("campaign"):
            continue
        draft = _student_draft(line, person, base, today)
        if draft.to:
            drafts.append(draft)
        else:
            nobody.append(unreachable(draft, person.name))
    if options.is_on("campaign-summary"):
        for grade, lines in by_grade.items():
            summary = _summary_draft(grade, lines, base, today, options)
            if options.school_address:
                drafts.append(summary)
            else:
                nobody.append(unreachable(summary, f"grade {grade} (no school address set)"))
    return drafts, nobody
