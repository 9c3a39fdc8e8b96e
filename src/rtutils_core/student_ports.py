"""The roster's port: where the students are kept.

Every implementation passes ``tests/contract/test_roster.py`` (memory, SQLite, PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from rtutils_core.students import Student


@runtime_checkable
class Roster(Protocol):
    """The student roster. Every method is one transaction."""

    def students(self) -> Sequence[Student]:
        """Every student, ordered by student id."""

    def get(self, student_id: str) -> Student:
        """One student; :class:`~rtutils_core.errors.StudentNotFound` if there is none."""

    def apply(self, upserts: Sequence[Student], removals: Sequence[str] = ()) -> None:
        """Insert or replace ``upserts`` (by student id) and delete ``removals``, all at once.

        Removing an id that is not there is not an error; nothing is half-written.
        """
