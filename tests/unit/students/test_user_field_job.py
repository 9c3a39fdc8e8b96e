"""The RT user-field sync as a background job: dry run, run, a second run writes nothing."""

from __future__ import annotations

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.jobs import InlineJobQueue, MemoryJobStore
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_core.jobs import Progress
from rtutils_core.jobs.service import JobService
from rtutils_core.students import Student
from rtutils_core.students.user_fields_sync import KIND, UserFieldSync


def test_the_sync_runs_as_a_job_and_a_second_run_writes_nothing():
    backend = MemoryBackend()
    users = [backend.add_user(name) for name in ("ana", "bo", "cy")]
    roster = MemoryRoster()
    roster.apply([Student(f"S{u.id}", "F", "L", "11", u.name, u.id, u.name) for u in users])
    queue = InlineJobQueue()
    jobs = JobService(MemoryJobStore(), queue, lease=30)
    jobs.register(UserFieldSync(roster, backend).job_kind())

    def run(params: dict) -> dict:
        job = jobs.submit(KIND, params)
        queue.run_pending(jobs)
        done = jobs.get(job.id)
        assert (done.state, done.progress) == ("succeeded", Progress(3, 3)), done.error
        return done.result

    assert run({"year": 2027, "dry_run": True})["changed"] == 3
    assert backend.calls.get("write_user_fields", 0) == 0
    assert run({"year": 2027, "dry_run": False})["changed"] == 3
    assert run({"year": 2027, "dry_run": False})["unchanged"] == 3
    assert backend.calls["write_user_fields"] == 3
    bad = jobs.submit(KIND, {"year": "2027"})
    queue.run_pending(jobs)
    assert "the job needs" in (jobs.get(bad.id).error or "")
