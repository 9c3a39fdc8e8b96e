"""The student roster: students, the roster file, the RT user fields, the ports and services."""

from rtutils_core.students.values import (
    GRADE_NAMES,
    LAST_GRADE,
    MAX_TEXT,
    ROSTER_FIELDS,
    BadRow,
    ImportReport,
    RosterColumns,
    Student,
    grade_rank,
    graduation_year,
    normal_grade,
    school_year_of,
)

__all__ = [
    "BadRow",
    "GRADE_NAMES",
    "ImportReport",
    "LAST_GRADE",
    "MAX_TEXT",
    "ROSTER_FIELDS",
    "RosterColumns",
    "Student",
    "grade_rank",
    "graduation_year",
    "normal_grade",
    "school_year_of",
]
