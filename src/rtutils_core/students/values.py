"""The student roster: students as the school information system lists them, linked to RT users.

Students are personal data: logs name them by student id only, never by name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from attrs import field, frozen

from rtutils_core.errors import InvalidInput, shown

#: Grades from pre-kindergarten to 12; ``K`` is 0 and ``PK`` is -1 for ordering and years.
GRADE_NAMES: Mapping[str, int] = {"PK": -1, "K": 0, **{str(g): g for g in range(1, 13)}}
LAST_GRADE = 12
MAX_TEXT = 200

#: The roster's fields, in the order of a roster file (and of ``ROSTER_COLUMNS``).
ROSTER_FIELDS = ("student_id", "first_name", "last_name", "grade", "rt_user", "guardian_email")


#: A student id: what a URL path, a log line, a CSV cell and a page carry as it is.
_STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
STUDENT_ID_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"


def is_student_id(text: str) -> bool:
    """Whether ``text`` is a student id as the roster keeps them."""
    return _STUDENT_ID.fullmatch(text) is not None


def check_student_id(text: str) -> str:
    """``text`` if it is a student id, else :class:`InvalidInput` saying what one is."""
    if not is_student_id(text):
        raise InvalidInput(f"student id {shown(text)} is not {STUDENT_ID_RULE}")
    return text


def normal_grade(text: str) -> str:
    """``text`` as one of :data:`GRADE_NAMES` (``"07"`` is ``"7"``, ``"k"`` is ``"K"``)."""
    raw = text.strip().upper()
    if raw.isdigit():
        raw = str(int(raw))
    if raw not in GRADE_NAMES:
        raise InvalidInput(f"grade must be PK, K or 1 to 12, not {raw or 'empty'!r}")
    return raw


def grade_rank(grade: str) -> int:
    """Where ``grade`` sorts (PK, K, 1, ..., 12)."""
    return GRADE_NAMES.get(grade, 99)


def graduation_year(grade: str, school_year: int) -> int:
    """The year a student in ``grade`` finishes grade 12; ``school_year`` is the year it ends."""
    return school_year + LAST_GRADE - GRADE_NAMES[normal_grade(grade)]


def school_year_of(day: date, starts_month: int = 8) -> int:
    """The school year ``day`` falls in, named by the calendar year it ends in."""
    return day.year + 1 if day.month >= starts_month else day.year


@frozen
class Student:
    """One student of the roster. ``rt_user`` is the RT user name or e-mail address given;
    ``user_id`` and ``user_name`` are the RT user it resolved to (``None``/empty: unlinked)."""

    student_id: str
    first_name: str
    last_name: str
    grade: str
    rt_user: str = ""
    user_id: int | None = None
    user_name: str = ""
    #: A guardian's e-mail address from the roster's optional column ("" for none).
    guardian_email: str = ""

    @property
    def is_linked(self) -> bool:
        return self.user_id is not None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def same_record(self, other: Student) -> bool:
        """Whether the roster file says the same about both (links aside)."""
        return (
            self.student_id,
            self.first_name,
            self.last_name,
            self.grade,
            self.rt_user,
            self.guardian_email,
        ) == (
            other.student_id,
            other.first_name,
            other.last_name,
            other.grade,
            other.rt_user,
            other.guardian_email,
        )


def _mapping(value: Mapping[str, str]) -> dict[str, str]:
    return dict(value)


@frozen
class RosterColumns:
    """Which CSV header holds which roster field (``ROSTER_COLUMNS``: ``field=Header,...``)."""

    headers: dict[str, str] = field(
        factory=lambda: {name: name for name in ROSTER_FIELDS}, converter=_mapping
    )

    def __attrs_post_init__(self) -> None:
        unknown = sorted(set(self.headers) - set(ROSTER_FIELDS))
        if unknown:
            raise InvalidInput(
                f"unknown roster field {unknown[0]!r}; the fields are {', '.join(ROSTER_FIELDS)}"
            )

    @classmethod
    def with_overrides(cls, overrides: Mapping[str, str]) -> RosterColumns:
        """The default headers, with ``overrides`` (field -> header) replacing some."""
        headers = {name: name for name in ROSTER_FIELDS}
        unknown = sorted(set(overrides) - set(ROSTER_FIELDS))
        if unknown:
            raise InvalidInput(
                f"unknown roster field {unknown[0]!r}; the fields are {', '.join(ROSTER_FIELDS)}"
            )
        headers.update({k: v.strip() for k, v in overrides.items()})
        return cls(headers)

    def header(self, name: str) -> str:
        return self.headers.get(name, name)


@frozen
class BadRow:
    """A roster row that cannot be imported: its line number in the file and why."""

    line: int
    reason: str
    student_id: str = ""


@frozen
class ImportReport:
    """What an import did (or, for a dry run, would do). Lists hold student ids only."""

    dry_run: bool
    rows: int
    added: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unlinked: tuple[str, ...] = ()
    bad_rows: tuple[BadRow, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> dict[str, int]:
        """Counts for a log line or a one-line report."""
        return {
            "rows": self.rows,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "missing": len(self.missing),
            "removed": len(self.removed),
            "unlinked": len(self.unlinked),
            "bad_rows": len(self.bad_rows),
        }
