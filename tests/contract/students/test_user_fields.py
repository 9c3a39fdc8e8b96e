"""The UserFieldBackend contract and the sync on it: the in-memory fake and the real RT 5."""

from __future__ import annotations

import pytest
from tests.rt_harness import USERS

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_core.errors import UserNotFound
from rtutils_core.students import Student
from rtutils_core.students.ports import UserFieldBackend
from rtutils_core.students.user_fields_sync import UserFieldSync


@pytest.fixture(params=["memory", pytest.param("rt", marks=pytest.mark.rt)])
def backend(request):
    if request.param == "memory":
        memory = MemoryBackend()
        for name, (real, email) in USERS.items():
            memory.add_user(name, real, email)
        return memory
    return request.getfixturevalue("rt_backend")


def test_both_are_user_field_backends(backend):
    assert isinstance(backend, UserFieldBackend)


def test_a_write_is_read_back_and_an_unknown_user_is_named(backend):
    user = backend.get_user("zoe.muller")
    backend.write_user_fields(user.id, {"Graduation Year": "2031"})
    assert backend.read_user_fields(user.id)["Graduation Year"] == "2031"
    with pytest.raises(UserNotFound):
        backend.read_user_fields(999_999)


def test_dry_run_then_sync_then_a_second_run_writes_nothing(backend):
    roster = MemoryRoster()
    students = []
    for n, name in enumerate(("amara.okafor", "li.wei")):
        user = backend.get_user(name)
        students.append(Student(f"T{n}-{user.id}", "A", "B", "9", name, user.id, user.name))
    roster.apply([*students, Student("T-none", "C", "D", "7")])
    paced: list[int] = []
    sync = UserFieldSync(roster, backend, pace=lambda: paced.append(1))
    dry = sync.run(2030)
    assert (len(dry.changes), dry.unlinked, paced) == (2, 1, [])
    assert dry.changes[0].values["Graduation Year"] == "2033"
    done = sync.run(2030, dry_run=False)
    assert (done.summary()["changed"], done.failures, len(paced)) == (2, (), 2)
    again = sync.run(2030, dry_run=False)
    assert (again.changes, again.unchanged, len(paced)) == ((), 2, 2)
    for student in students:
        stored = backend.read_user_fields(student.user_id)
        assert stored["Student ID"] == student.student_id


def test_a_field_rt_does_not_keep_is_reported_not_hidden(backend):
    user = backend.get_user("li.wei")
    roster = MemoryRoster()
    roster.apply([Student("T-x", "A", "B", "10", "li.wei", user.id, user.name)])
    sync = UserFieldSync(roster, backend)
    sync.options = type(sync.options)("No Such Field", "Graduation Year")
    report = sync.run(2031, dry_run=False)
    assert "did not store No Such Field" in report.failures[0].error
