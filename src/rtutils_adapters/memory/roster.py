"""An in-memory roster (for the demo and for tests), held to the same contract as SQLite."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from importlib import resources

from rtutils_adapters.memory.keyed import kept
from rtutils_core.errors import StudentNotFound
from rtutils_core.students import Student


class MemoryRoster:
    """The :class:`~rtutils_core.students.ports.Roster` in a dict; safe between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._students: dict[str, Student] = {}

    def students(self) -> Sequence[Student]:
        with self._lock:
            return [self._students[k] for k in sorted(self._students)]

    def get(self, student_id: str) -> Student:
        with self._lock:
            return kept(
                self._students, student_id, StudentNotFound(f"there is no student {student_id!r}")
            )

    def apply(self, upserts: Sequence[Student], removals: Sequence[str] = ()) -> None:
        with self._lock:
            for student in upserts:
                self._students[student.student_id] = student
            for student_id in removals:
                self._students.pop(student_id, None)


def demo_roster_csv() -> str:
    """The demo's roster file: students of the demo's RT users, and one without a user."""
    return resources.files("rtutils_adapters.memory").joinpath("demo_roster.csv").read_text("utf-8")
