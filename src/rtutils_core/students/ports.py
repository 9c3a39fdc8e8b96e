"""The roster's port: where the students are kept.

Every implementation passes ``tests/contract/test_roster.py`` (memory, SQLite, PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol, runtime_checkable

from rtutils_core.students.values import Student


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


@runtime_checkable
class UserFieldBackend(Protocol):
    """RT users' custom fields. Reading never creates a user; a write is read back."""

    def read_user_fields(self, user_id: int) -> Mapping[str, str]:
        """The user's custom field values by field name ('' or absent when unset); one request.

        Raises :class:`~rtutils_core.errors.UserNotFound`.
        """

    def write_user_fields(self, user_id: int, values: Mapping[str, str]) -> None:
        """Set ``values`` (field name -> value) on the user in one request."""
