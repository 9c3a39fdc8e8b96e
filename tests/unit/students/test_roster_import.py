"""Roster import on the in-memory fakes: bad rows by line, upsert, re-import, removal, links."""

from __future__ import annotations

import csv
import io
import random

import pytest

from rtutils_adapters.memory import MemoryBackend, MemoryLoanLog
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_adapters.sqlite.roster import SqliteRoster
from rtutils_core.errors import RosterFileInvalid
from rtutils_core.loans.service import LoanService
from rtutils_core.students import RosterColumns, graduation_year, normal_grade
from rtutils_core.students.service import RosterService

HEADER = "student_id,first_name,last_name,grade,rt_user\n"


def service(roster=None, backend=None, columns=None, bulk=True) -> RosterService:
    backend = backend or MemoryBackend()
    loans = LoanService(backend, MemoryLoanLog())
    people = loans.find_people if bulk else None
    return RosterService(roster or MemoryRoster(), loans.find_person, columns, people)


def roster_text(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["student_id", "first_name", "last_name", "grade", "rt_user"])
    writer.writerows(rows)
    return out.getvalue()


def generated_roster(students: int, bad: int, seed: int = 13) -> tuple[str, set[int]]:
    """``students`` rows of which ``bad`` (at random lines) cannot be imported."""
    rng = random.Random(seed)
    faults = [
        lambda r: [r[0], r[1], r[2], "13", r[4]],  # no such grade
        lambda r: ["", *r[1:]],  # no student id
        lambda r: [r[0], "", *r[2:]],  # no first name
        lambda r: r[:3],  # a short row
        lambda r: ["S00001", *r[1:]],  # the first row's id again
    ]
    bad_at = set(rng.sample(range(1, students), bad))
    rows = []
    for n in range(students):
        row = [f"S{n + 1:05d}", f"First{n}", f"Last{n}", rng.choice("K123456789"), f"s{n}@x.org"]
        rows.append(faults[n % len(faults)](row) if n in bad_at else row)
    return roster_text(rows), {n + 2 for n in bad_at}  # line 1 is the header


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_600_students_with_20_bad_rows_dry_run_import_and_the_same_file_again(store, tmp_path):
    roster = MemoryRoster() if store == "memory" else SqliteRoster.in_dir(tmp_path)
    desk = service(roster)
    text, bad_lines = generated_roster(600, 20)
    dry = desk.import_roster(text, dry_run=True)
    assert {b.line for b in dry.bad_rows} == bad_lines
    assert all(b.reason for b in dry.bad_rows)
    assert (len(dry.added), list(roster.students())) == (580, [])
    done = desk.import_roster(text)
    assert len(done.added) == 580 and len(roster.students()) == 580
    again = desk.import_roster(text)
    assert (again.added, again.updated, again.removed, again.changed) == ((), (), (), False)
    assert len(again.unchanged) == 580


def test_each_bad_row_is_named_by_line_and_reason():
    text = HEADER + "S1,Ana,Li,7,ana\nS2,,Li,7,\nS3,Bo,Li,14,\nS1,Cy,Li,7,\nS4,Di,Li\n"
    report = service().import_roster(text, dry_run=True)
    assert [(b.line, b.reason) for b in report.bad_rows] == [
        (3, "first name is empty"),
        (4, "grade must be PK, K or 1 to 12, not '14'"),
        (5, "student id 'S1' is on line 2 already"),
        (6, "3 cells where the header has 5"),
    ]
    assert report.added == ("S1",)


def test_a_missing_column_refuses_the_whole_file_naming_it():
    with pytest.raises(RosterFileInvalid, match="no column 'grade'.*ROSTER_COLUMNS"):
        service().import_roster("student_id,first_name,last_name\nS1,A,B\n")


def test_the_column_mapping_reads_the_school_systems_headers():
    columns = RosterColumns.with_overrides(
        {"student_id": "ID", "first_name": "Given", "last_name": "Family", "grade": "Gr",
         "rt_user": "Email"}
    )  # fmt: skip
    report = service(columns=columns).import_roster("Family,Given,Gr,ID,Email\nLi,Ana,07,S9,\n")
    assert report.added == ("S9",) and report.unlinked == ("S9",)


@pytest.mark.parametrize("bulk", [True, False], ids=["bulk", "one-by-one"])
def test_students_link_by_name_or_email_and_no_user_is_ever_created(bulk):
    backend = MemoryBackend()
    backend.add_user("ana.l", email="ana@school.example")
    backend.add_user("bo")
    roster = MemoryRoster()
    text = HEADER + "S1,Ana,Li,7,ana@school.example\nS2,Bo,Li,7,bo\nS3,Cy,Li,7,cy@nowhere\n"
    report = service(roster, backend, bulk=bulk).import_roster(text)
    assert report.unlinked == ("S3",)
    assert (roster.get("S1").user_name, roster.get("S2").user_name) == ("ana.l", "bo")
    lookups = {"find_people": 1} if bulk else {"get_user": 3}
    assert {op: n for op, n in backend.calls.items() if op in ("find_people", "get_user")} == (
        lookups
    )
    service(roster, backend, bulk=bulk).import_roster(text)  # linked ones are not looked up
    assert backend.calls.get("find_people", 0) == (2 if bulk else 0)
    with pytest.raises(Exception, match="cy"):
        backend.get_user("cy@nowhere")


def test_missing_students_are_reported_and_removed_only_when_asked():
    roster = MemoryRoster()
    desk = service(roster)
    desk.import_roster(HEADER + "S1,A,B,7,\nS2,C,D,7,\nS3,E,F,7,\n")
    kept = desk.import_roster(HEADER + "S1,A,B,8,\nS3,E,F,7,x\n")
    assert (kept.missing, kept.removed, kept.updated) == (("S2",), (), ("S1", "S3"))
    assert len(roster.students()) == 3
    gone = desk.import_roster(HEADER + "S1,A,B,8,\nS3,E,F,7,x\n", remove_missing=True)
    assert (gone.missing, gone.removed) == (("S2",), ("S2",))
    assert [s.student_id for s in roster.students()] == ["S1", "S3"]


def test_a_student_whose_row_is_bad_this_time_is_neither_changed_nor_removed():
    roster = MemoryRoster()
    desk = service(roster)
    desk.import_roster(HEADER + "S1,A,B,7,\n")
    report = desk.import_roster(HEADER + "S1,A,B,99,\n", remove_missing=True)
    assert (report.missing, report.removed, report.bad_rows[0].student_id) == ((), (), "S1")
    assert roster.get("S1").grade == "7"


def test_grades_and_graduation_years():
    assert [normal_grade(g) for g in ("07", "k", " 12 ", "pk")] == ["7", "K", "12", "PK"]
    assert graduation_year("12", 2026) == 2026
    assert graduation_year("K", 2026) == 2038


@pytest.mark.parametrize(
    "student_id",
    ["S1\r\nS2", "2024/017", "<b>7</b>", "=HYPERLINK(1)", "-7", " 7 x", "7" * 65, "é7"],
)
def test_a_student_id_outside_the_rule_is_a_bad_row_saying_what_an_id_is(student_id):
    text = roster_text([[student_id, "Ana", "Li", "7", ""], ["S2", "Bo", "Li", "7", ""]])
    report = service().import_roster(text, dry_run=True)
    assert report.added == ("S2",)
    [bad] = report.bad_rows
    assert "letters, digits, '.', '_' or '-'" in bad.reason
    assert bad.student_id == ""  # the report never carries the bad text as an id
    assert len(bad.reason) < 200


def test_ids_of_letters_digits_dots_and_dashes_are_kept_as_they_are():
    text = roster_text([["S-2024.017_b", "Ana", "Li", "7", ""], ["0042", "Bo", "Li", "K", ""]])
    assert service().import_roster(text).added == ("S-2024.017_b", "0042")
