"""Starting the RT user-field sync from the API and the roster page, on the demo: admin only,
a dry run that writes nothing, one run at a time, and no student name in the log."""

from __future__ import annotations

from tests.web.conftest import bearer, csrf_token, sign_in
from tests.web.students.test_api_students import FIRST_NAMES

from rtutils_adapters.memory.jobs import InlineJobQueue

PATH = "/api/v1/students/user-fields-sync"


def test_roles_dry_run_job_and_conflict(app, client, log_lines):
    assert client.post(PATH, json={"dry_run": True}).status_code == 401
    assert client.post(PATH, json={}, headers=bearer("operator")).status_code == 403
    admin = bearer("admin")
    bad = client.post(PATH, json={"year": 1900}, headers=admin)
    assert bad.status_code == 400 and bad.get_json()["error"]["field"] == "year"
    assert "body.year must be between 2000 and 2100" in bad.get_json()["error"]["message"]

    dry = client.post(PATH, json={"year": 2027, "dry_run": True}, headers=admin)
    report = dry.get_json()
    assert (dry.status_code, report["dry_run"], report["year"]) == (200, True, 2027)
    assert len(report["changes"]) == 9
    first = next(c for c in report["changes"] if c["student_id"] == "100107")
    assert first["values"]["Graduation Year"] == "2030" and first["before"]["Graduation Year"] == ""
    again = client.post(PATH, json={"year": 2027, "dry_run": True}, headers=admin).get_json()
    assert len(again["changes"]) == 9  # the dry run wrote nothing

    jobs = app.extensions["rtutils"].jobs.job_service()
    jobs.queue = InlineJobQueue()
    queued = client.post(PATH, json={"year": 2027}, headers=admin)
    job = queued.get_json()
    assert (queued.status_code, job["state"], job["year"]) == (202, "queued", 2027)
    assert queued.headers["Location"].endswith(f"/api/v1/jobs/{job['id']}")
    busy = client.post(PATH, json={"year": 2027}, headers=admin)
    assert (busy.status_code, busy.get_json()["error"]["code"]) == (409, "job_conflict")

    jobs.queue.run_pending(jobs)
    done = client.get(queued.headers["Location"], headers=bearer("operator")).get_json()
    assert (done["state"], done["result"]["changed"], done["result"]["failed"]) == (
        "succeeded",
        9,
        0,
    )
    after = client.post(PATH, json={"year": 2027, "dry_run": True}, headers=admin).get_json()
    assert (after["changes"], after["unchanged"]) == ([], 9)

    text = "\n".join(str(line) for line in log_lines())
    for name in FIRST_NAMES:
        assert name not in text, name


def test_the_roster_page_starts_the_sync_for_admins(app, client):
    sign_in(client, "operator")
    token = csrf_token(client, "/assets")
    refused = client.post("/students/roster/user-fields-sync", data={"csrf_token": token})
    assert refused.status_code == 403
    client = app.test_client()
    sign_in(client, "admin")
    assert "Sync student ids" in client.get("/students/roster").get_data(as_text=True)
    token = csrf_token(client, "/students/roster")
    started = client.post("/students/roster/user-fields-sync", data={"csrf_token": token})
    assert started.status_code == 302 and "kind=student-user-fields" in started.headers["Location"]
    listed = client.get("/api/v1/jobs?kind=student-user-fields", headers=bearer("admin"))
    assert listed.get_json()["count"] == 1
