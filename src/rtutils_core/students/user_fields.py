"""Student id and graduation year in RT user custom fields: the values, the port, the report."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen


@frozen
class UserFieldOptions:
    """The names of the RT user custom fields the sync writes."""

    student_id_field: str = "Student ID"
    graduation_year_field: str = "Graduation Year"


@frozen
class UserFieldChange:
    """What the sync writes (or would write) to one student's RT user."""

    student_id: str
    user_id: int
    values: Mapping[str, str]
    before: Mapping[str, str]
    error: str = ""


@frozen
class UserFieldReport:
    """One sync run: the changes (written unless ``dry_run``), and how many needed none."""

    dry_run: bool
    year: int
    changes: tuple[UserFieldChange, ...] = ()
    unchanged: int = 0
    unlinked: int = 0

    @property
    def failures(self) -> tuple[UserFieldChange, ...]:
        return tuple(c for c in self.changes if c.error)

    def summary(self) -> dict[str, int]:
        return {
            "changed": len(self.changes) - len(self.failures),
            "failed": len(self.failures),
            "unchanged": self.unchanged,
            "unlinked": self.unlinked,
        }
