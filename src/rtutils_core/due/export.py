"""The overdue list and a dry run of the notices as CSV, for operators (they name people)."""

from __future__ import annotations

from collections.abc import Iterable

from rtutils_core.csv_cells import csv_table, spreadsheet_cell as cell
from rtutils_core.due.service import DueLine
from rtutils_core.due.values import NoticePlan

OVERDUE_COLUMNS = (
    "asset_id",
    "tag",
    "catalog",
    "holder",
    "student_id",
    "name",
    "grade",
    "due",
    "state",
    "days_overdue",
    "loan_id",
)
PLAN_COLUMNS = ("kind", "subject", "state", "person", "student_id", "to", "cc", "asset_id")


def overdue_csv(lines: Iterable[DueLine]) -> str:
    """The overdue list (``DueLine`` values) as CSV text with a header row."""
    rows = []
    for line in lines:
        loan, student = line.loan, line.student
        rows.append(
            [
                cell(loan.asset.id),
                cell(loan.asset.name),
                cell(loan.asset.catalog),
                cell(loan.holder),
                cell(student.student_id if student else ""),
                cell(student.full_name if student else ""),
                cell(student.grade if student else ""),
                cell(loan.due.isoformat() if loan.due else ""),
                cell(line.state),
                cell(line.days_overdue),
                cell(loan.loan.id if loan.loan else ""),
            ]
        )
    return csv_table(OVERDUE_COLUMNS, rows)


def plan_csv(plan: NoticePlan) -> str:
    """What a run would send (``new``), what was recorded already today (its state), and
    who has no address (``no address``), one row per notice."""
    rows = [
        [d.kind, d.subject, "new", d.person, d.student_id, "; ".join(d.to), "; ".join(d.cc),
         d.asset_id]
        for d in plan.drafts
    ] + [
        [n.kind, n.subject, n.state, n.person, n.student_id, "; ".join(n.to), "; ".join(n.cc),
         n.asset_id]
        for n in plan.recorded
    ] + [
        [u.kind, u.subject, "no address", u.person, u.student_id, "", "", u.asset_id]
        for u in plan.unreachable
    ]  # fmt: skip
    return csv_table(PLAN_COLUMNS, ([cell(v) for v in row] for row in rows))
