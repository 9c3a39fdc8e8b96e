"""Which notices are due on a day (pure rules over loans, people and the notices sent).

- a reminder once per loan, from ``remind_days`` before the due date to the due date;
- an overdue notice the first day after the due date, then again every ``repeat_days``
  (never again with 0) while the device is out; checking it in ends the loan, and with it
  its notices;
- nothing for a loan without a due date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from rtutils_core.due.people import Person, day_text, loan_fields
from rtutils_core.due.values import Notice, NoticeDraft, NoticeOptions, Unreachable
from rtutils_core.loans.due import DueLoan


def loan_kind(loan: DueLoan, sent: Sequence[Notice], today: date, options: NoticeOptions) -> str:
    """The notice ``loan`` is due for ``today`` ("" for none), given its notices ``sent``."""
    due = loan.due
    if due is None or loan.loan is None:
        return ""
    if due >= today:
        soon = (due - today).days <= options.remind_days
        already = any(n.kind == "reminder" for n in sent)
        return "reminder" if soon and not already and options.is_on("reminder") else ""
    if not options.is_on("overdue"):
        return ""
    days = [n.day for n in sent if n.kind == "overdue"]
    if not days:
        return "overdue"
    if options.repeat_days and today >= max(days) + timedelta(days=options.repeat_days):
        return "overdue"
    return ""


def common_fields(today: date, options: NoticeOptions) -> dict[str, Any]:
    """What every template gets besides its own fields."""
    return {
        "organisation": options.organisation,
        "today": today.isoformat(),
        "today_text": day_text(today),
    }


def person_draft(
    kind: str, subject: str, person: Person, today: date, fields: dict[str, Any], **ids: Any
) -> NoticeDraft:
    """The notice of ``kind`` about ``subject`` to ``person``, with ``fields`` and ``person``
    for its templates; ``ids`` are its ``loan_id`` and ``asset_id``, if it has them."""
    return NoticeDraft(
        kind=kind,
        subject=subject,
        day=today,
        to=person.to,
        cc=person.cc,
        person=person.login,
        student_id=person.student_id,
        fields={**fields, "person": person.fields()},
        **ids,
    )


def loan_draft(
    kind: str,
    loan: DueLoan,
    person: Person,
    today: date,
    options: NoticeOptions,
    **extra: Any,
) -> NoticeDraft:
    """The notice of ``kind`` about ``loan`` for ``person`` (``extra``: more device fields)."""
    assert loan.loan is not None
    device = {**loan_fields(loan, today), **extra}
    fields = {**common_fields(today, options), "device": device, "devices": [device]}
    return person_draft(
        kind, f"loan:{loan.loan.id}", person, today, fields,
        loan_id=loan.loan.id, asset_id=loan.asset.id,
    )  # fmt: skip


def unreachable(draft: NoticeDraft, name: str) -> Unreachable:
    return Unreachable(
        draft.kind, draft.subject, draft.person, draft.student_id, name, draft.asset_id
    )


def plan_loans(
    loans: Iterable[DueLoan],
    people: Mapping[str, Person],
    history: Iterable[Notice],
    today: date,
    options: NoticeOptions,
) -> tuple[list[NoticeDraft], list[Unreachable]]:
    """The reminders and overdue notices of ``today``, and who of them has no address."""
    sent: dict[int, list[Notice]] = defaultdict(list)
    for notice in history:
        if notice.loan_id is not None and notice.day < today:
            sent[notice.loan_id].append(notice)
    drafts, nobody = [], []
    for loan in sorted(loans, key=lambda d: (d.due or today, d.asset.id)):
        if loan.loan is None:
            continue
        kind = loan_kind(loan, sent[loan.loan.id], today, options)
        if not kind:
            continue
        person = people.get(loan.holder) or Person(loan.holder)
        draft = loan_draft(kind, loan, person, today, options)
        if draft.to:
            drafts.append(draft)
        else:
            nobody.append(unreachable(draft, person.name))
    return drafts, nobody
