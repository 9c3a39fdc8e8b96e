"""The Roster contract: memory, a SQLite file and PostgreSQL must all pass every test."""

from __future__ import annotations

import os
import stat

import attrs
import pytest

from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_adapters.postgres.roster import PostgresRoster
from rtutils_adapters.sqlite.roster import SqliteRoster
from rtutils_core.errors import StudentNotFound
from rtutils_core.students import Student
from rtutils_core.students.ports import Roster


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def roster(request, tmp_path):
    if request.param == "memory":
        yield MemoryRoster()
    elif request.param == "sqlite":
        yield SqliteRoster.in_dir(tmp_path)
    else:
        store = PostgresRoster(request.getfixturevalue("pg_url"))
        yield store
        store.close()


def student(student_id="S1", grade="7", **more) -> Student:
    values = {"first_name": "Ana", "last_name": "Lópes", "rt_user": "ana@school.example"}
    return Student(student_id, grade=grade, **{**values, **more})


def test_every_store_is_a_roster(roster):
    assert isinstance(roster, Roster)


def test_apply_upserts_by_student_id_and_keeps_every_field(roster):
    linked = student("S2", user_id=42, user_name="ana.l")
    roster.apply([student("S1"), linked])
    roster.apply([student("S1", grade="8", first_name="Anna")])
    assert roster.get("S2") == linked
    assert roster.get("S1") == student("S1", grade="8", first_name="Anna")
    assert [s.student_id for s in roster.students()] == ["S1", "S2"]


def test_apply_removes_in_the_same_transaction_and_ignores_unknown_ids(roster):
    roster.apply([student("S1"), student("S2")])
    roster.apply([student("S3")], removals=["S1", "nobody"])
    assert [s.student_id for s in roster.students()] == ["S2", "S3"]
    with pytest.raises(StudentNotFound, match="S1"):
        roster.get("S1")


def test_an_empty_roster_lists_nothing(roster):
    assert list(roster.students()) == []
    roster.apply([], [])
    assert list(roster.students()) == []


def test_the_sqlite_roster_is_private_and_survives_reopening(tmp_path):
    SqliteRoster.in_dir(tmp_path).apply([student()])
    path = tmp_path / "students.sqlite3"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert SqliteRoster.in_dir(tmp_path).get("S1") == student()


def test_the_postgres_roster_records_its_schema_once(pg_url):
    first = PostgresRoster(pg_url)
    again = PostgresRoster(pg_url)
    assert (first.schema_change.before, first.schema_change.after) == (0, 2)
    assert again.schema_change.before == again.schema_change.after == 2
    first.close()
    again.close()


def test_a_guardian_address_is_kept_and_a_roster_of_version_1_gains_the_column(tmp_path):
    import sqlite3

    path = tmp_path / "students.sqlite3"
    with sqlite3.connect(path) as db:  # what release 0.1's roster_0001 made, with a row
        db.executescript(
            "CREATE TABLE students (student_id TEXT PRIMARY KEY, first_name TEXT NOT NULL,"
            " last_name TEXT NOT NULL, grade TEXT NOT NULL, rt_user TEXT NOT NULL,"
            " user_id BIGINT, user_name TEXT NOT NULL);"
            "CREATE TABLE alembic_version_roster (version_num VARCHAR(32) PRIMARY KEY);"
            "INSERT INTO alembic_version_roster VALUES ('roster_0001');"
            "INSERT INTO students VALUES ('S1', 'Li', 'Wei', '9', 'li.wei', 42, 'li.wei');"
        )
    roster = SqliteRoster(path)
    assert (roster.schema_change.before, roster.schema_change.after) == (1, 2)
    assert roster.get("S1").guardian_email == ""
    roster.apply([attrs.evolve(roster.get("S1"), guardian_email="parent@home.example")])
    assert SqliteRoster(path).get("S1").guardian_email == "parent@home.example"
