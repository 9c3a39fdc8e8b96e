"""Sample notices of every kind, made by the same code as the real ones: the fields a
district's templates may use, checked at start-up (a template that names a field these do
not have stops it) and shown in ``docs/mail.md``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from rtutils_core.assets import Asset, User
from rtutils_core.due.campaign import plan_campaign
from rtutils_core.due.people import Person
from rtutils_core.due.plan import loan_draft
from rtutils_core.due.values import NoticeOptions
from rtutils_core.loans import LoanEvent
from rtutils_core.loans.due import DueLoan
from rtutils_core.returns import Campaign, GradeFigures, StudentReturn
from rtutils_core.students import Student

DAY = date(2026, 6, 1)


def _loan(due: date) -> DueLoan:
    asset = Asset(
        id=42,
        name="W12-00042",
        catalog="Student Devices",
        status="in-use",
        owner="ana.li",
        custom_fields={"Model": "Chromebook 3100", "Serial Number": "5CD0042"},
    )
    event = LoanEvent(
        action="check-out",
        asset_id=42,
        tag=asset.name,
        person="ana.li",
        operator="desk1",
        request_id="req-1",
        based_on="1",
        due=due,
        id=7,
        at=datetime(2026, 5, 1, 8, 0, tzinfo=UTC),
    )
    return DueLoan(asset, "ana.li", event)


def _person() -> Person:
    student = Student("S1001", "Ana", "Li", "7", "ana.li", 5, "ana.li", "parent@home.example")
    return Person("ana.li", User(5, "ana.li", "Ana Li", "ana.li@school.example"), student)


def sample_fields(kind: str, options: NoticeOptions | None = None) -> dict[str, Any]:
    """The fields of a notice of ``kind`` as a run would record them."""
    options = options or NoticeOptions(school_address="office@school.example")
    if kind in ("campaign", "campaign-summary"):
        line = StudentReturn(_person().student, (_loan(DAY).asset,))  # type: ignore[arg-type]
        total = GradeFigures("all", 1, 1, 0, 1, 0, 1)
        campaign = Campaign(2026, datetime.now(UTC), datetime.now(UTC), datetime.now(UTC),
                            (), total, (line,), (), 0)  # fmt: skip
        drafts, _ = plan_campaign(campaign, {"ana.li": _person()}, DAY, options)
        return next(d.fields for d in drafts if d.kind == kind)
    due = {"reminder": DAY + timedelta(days=2), "overdue": DAY - timedelta(days=3)}.get(
        kind, DAY + timedelta(days=30)
    )
    extra = {"condition": "damaged: keyboard"} if kind == "receipt" else {}
    return loan_draft(kind, _loan(due), _person(), DAY, options, **extra).fields
