"""The roster file's optional guardian e-mail column."""

from __future__ import annotations

from rtutils_core.students import RosterColumns
from rtutils_core.students.roster_csv import read_roster

HEADER = "student_id,first_name,last_name,grade,rt_user"


def test_without_the_column_nobody_has_a_guardian_address():
    found = read_roster(f"{HEADER}\nS1,Ana,Li,7,ana\n")
    assert found.students[0].guardian_email == ""


def test_the_column_is_read_by_its_mapped_header_and_a_bad_address_is_a_bad_row():
    text = (
        f"{HEADER},Parent Email\nS1,Ana,Li,7,ana,parent@home.example\nS2,Bo,Lu,7,bo,\n"
        "S3,Cy,Lo,8,cy,not an address\n"
    )
    found = read_roster(text, RosterColumns.with_overrides({"guardian_email": "Parent Email"}))
    assert [(s.student_id, s.guardian_email) for s in found.students] == [
        ("S1", "parent@home.example"),
        ("S2", ""),
    ]
    (bad,) = found.bad_rows
    assert (bad.line, bad.student_id) == (4, "S3")
    assert "guardian e-mail 'not an address' is not an e-mail address" in bad.reason
