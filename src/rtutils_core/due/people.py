"""Who a notice goes to: the RT user's e-mail address and, for a student, the guardian's
address from the roster; and the fields the templates get about a person and a device.

People are looked up in bulk (the roster once, RT in searches of 50), never one by one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from attrs import frozen

from rtutils_core.assets import Asset, User
from rtutils_core.loans.due import DueLoan
from rtutils_core.loans.service import LoanService
from rtutils_core.students import Student
from rtutils_core.students.ports import Roster


@frozen
class Person:
    """Someone a notice is about: their RT login, user (None: RT has none) and student."""

    login: str
    user: User | None = None
    student: Student | None = None

    @property
    def name(self) -> str:
        if self.student is not None and self.student.full_name:
            return self.student.full_name
        return (self.user.real_name if self.user else "") or self.login

    @property
    def to(self) -> tuple[str, ...]:
        """The person's own address; the guardian's when the person has none."""
        own = self.user.email.strip() if self.user else ""
        if own:
            return (own,)
        return (self.guardian,) if self.guardian else ()

    @property
    def cc(self) -> tuple[str, ...]:
        """The guardian, copied when the person has an address of their own."""
        return (self.guardian,) if self.guardian and self.to != (self.guardian,) else ()

    @property
    def guardian(self) -> str:
        return self.student.guardian_email.strip() if self.student else ""

    @property
    def student_id(self) -> str:
        return self.student.student_id if self.student else ""

    def fields(self) -> dict[str, Any]:
        """What the templates know of the person (``person.*``)."""
        student = self.student
        return {
            "name": self.name,
            "login": self.login,
            "first_name": student.first_name if student else "",
            "last_name": student.last_name if student else "",
            "student_id": self.student_id,
            "grade": student.grade if student else "",
        }


def students_by_login(roster: Roster) -> dict[str, Student]:
    """The roster's linked students by their RT login, caseless (one read)."""
    return {s.user_name.casefold(): s for s in roster.students() if s.is_linked}


def find_persons(
    logins: Iterable[str], loans: LoanService, students: Mapping[str, Student]
) -> dict[str, Person]:
    """Each login's person: RT users found in bulk, students from ``students``."""
    wanted = list(dict.fromkeys(login for login in logins if login))
    users = {k.casefold(): u for k, u in loans.find_people(wanted).items()} if wanted else {}
    return {
        login: Person(login, users.get(login.casefold()), students.get(login.casefold()))
        for login in wanted
    }


def day_text(day: date | None) -> str:
    """A day as a mail writes it: ``Friday 12 June 2026`` ("" for none)."""
    return f"{day:%A} {day.day} {day:%B %Y}" if day else ""


def asset_fields(asset: Asset) -> dict[str, Any]:
    """What the templates know of a device (``device.*``)."""
    return {
        "asset_id": asset.id,
        "tag": asset.name,
        "catalog": asset.catalog,
        "description": asset.description,
        "model": asset.cf("Model"),
        "serial": asset.cf("Serial Number"),
    }


def loan_fields(loan: DueLoan, today: date) -> dict[str, Any]:
    """A device on loan with its due date and how late it is."""
    due = loan.due
    return {
        **asset_fields(loan.asset),
        "loan_id": loan.loan.id if loan.loan else None,
        "due": due.isoformat() if due else "",
        "due_text": day_text(due),
        "days_overdue": loan.days_overdue(today),
        "days_left": max((due - today).days, 0) if due else 0,
    }
