"""The return campaign as CSV for the school: outstanding by grade, everything, one student."""

from __future__ import annotations

from rtutils_core.csv_cells import csv_table as table, spreadsheet_cell as cell
from rtutils_core.returns.service import StudentHistory
from rtutils_core.returns.values import Campaign
from rtutils_core.students import Student

OUTSTANDING_COLUMNS = (
    "grade",
    "student_id",
    "last_name",
    "first_name",
    "rt_user",
    "asset_id",
    "tag",
    "status",
)
CAMPAIGN_COLUMNS = (
    "grade",
    "student_id",
    "last_name",
    "first_name",
    "rt_user",
    "linked",
    "state",
    "devices_out",
    "returned",
    "manual",
    "outstanding",
    "outstanding_tags",
)
HISTORY_COLUMNS = ("at", "entry", "kind", "asset_id", "tag", "operator", "reason", "undoes")


def _student(student: Student) -> list[str]:
    return [
        cell(student.grade),
        cell(student.student_id),
        cell(student.last_name),
        cell(student.first_name),
        cell(student.rt_user),
    ]


def outstanding_csv(campaign: Campaign) -> str:
    """One row per device still out, grade by grade (the lists the school chases)."""
    rows = [
        [
            *_student(line.student),
            cell(asset.id),
            cell(asset.name),
            cell(asset.status),
        ]
        for line in campaign.students
        for asset in line.outstanding
    ]
    return table(OUTSTANDING_COLUMNS, rows)


def campaign_csv(campaign: Campaign) -> str:
    """One row per student with the state and the counts."""
    rows = [
        [
            *_student(line.student),
            "yes" if line.student.is_linked else "no",
            line.state,
            str(len(line.held)),
            str(line.returned),
            str(len(line.manual)),
            str(len(line.outstanding)),
            cell(" ".join(a.name for a in line.outstanding)),
        ]
        for line in campaign.students
    ]
    return table(CAMPAIGN_COLUMNS, rows)


def history_csv(history: StudentHistory) -> str:
    """A student's loan log and manual entries, oldest first."""
    entries = [
        (e.at, "loan", e.action, e.asset_id, e.tag, e.operator, e.note, None)
        for e in history.events
    ] + [
        (m.at, "manual", m.kind, m.asset_id, m.tag, m.operator, m.reason, m.undoes)
        for m in history.manual_events
    ]
    entries.sort(key=lambda entry: entry[0])
    rows = [[cell(at.isoformat()), *map(cell, rest)] for at, *rest in entries]
    return table(HISTORY_COLUMNS, rows)
