"""The student roster: students, the roster file, the RT user fields, the ports and services."""

from rtutils_core.students.values import (
    GRADE_NAMES,
    LAST_GRADE,
    MAX_TEXT,
    ROSTER_FIELDS,
    STUDENT_ID_RULE,
    BadRow,
    ImportReport,
    RosterColumns,
    Student,
    check_student_id,
    grade_rank,
    graduation_year,
    is_student_id,
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
    "STUDENT_ID_RULE",
    "Student",
    "check_student_id",
    "grade_rank",
    "graduation_year",
    "is_student_id",
    "normal_grade",
    "school_year_of",
]
