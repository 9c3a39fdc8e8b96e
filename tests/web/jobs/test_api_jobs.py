"""Jobs through the API and the desk page, on the demo with its real job store and queue."""

from __future__ import annotations

from tests.web.conftest import bearer

from rtutils_adapters.memory.jobs import InlineJobQueue
from rtutils_core.jobs import JobKind


def run_a_job(app, kind: str = "count", fails: bool = False) -> str:
    """Submit and run one job in this thread (the worker's part, without a worker)."""
    jobs = app.extensions["rtutils"].jobs.job_service()

    def count(ctx):
        ctx.progress(3, 3)
        if fails:
            raise ValueError("row 2 has no serial number")
        return {"counted": 3}

    jobs.register(JobKind(kind, count))
    jobs.queue = InlineJobQueue()
    job = jobs.submit(kind, {"rows": 3})
    jobs.queue.run_pending(jobs)
    return job.id


def test_a_job_reads_back_with_state_progress_and_result(app, client):
    job_id = run_a_job(app)
    answer = client.get(f"/api/v1/jobs/{job_id}", headers=bearer("operator"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert {k: body[k] for k in ("id", "kind", "state", "done", "total", "result", "error")} == {
        "id": job_id,
        "kind": "count",
        "state": "succeeded",
        "done": 3,
        "total": 3,
        "result": {"counted": 3},
        "error": None,
    }
    assert body["created"].endswith("Z") and body["attempts"] == 1


def test_an_unknown_job_is_a_404_json_error(client):
    answer = client.get("/api/v1/jobs/no-such-job", headers=bearer("operator"))
    assert answer.status_code == 404
    assert answer.get_json()["error"]["code"] == "job_not_found"


def test_the_list_filters_by_kind_and_state_and_refuses_bad_filters(app, client):
    ok, failed = run_a_job(app, "count"), run_a_job(app, "broken", fails=True)
    listed = client.get("/api/v1/jobs", headers=bearer("operator")).get_json()
    assert [j["id"] for j in listed["jobs"]] == [failed, ok]
    only = client.get("/api/v1/jobs?state=failed", headers=bearer("operator")).get_json()
    assert [(j["id"], j["error"]) for j in only["jobs"]] == [
        (failed, "ValueError: row 2 has no serial number")
    ]
    kind = client.get("/api/v1/jobs?kind=count", headers=bearer("operator")).get_json()
    assert kind["count"] == 1
    bad = client.get("/api/v1/jobs?state=done", headers=bearer("operator"))
    assert bad.status_code == 400
    assert "state must be one of" in bad.get_json()["error"]["message"]
    assert client.get("/api/v1/jobs?limit=0", headers=bearer("operator")).status_code == 400


def test_jobs_need_an_operator(client):
    assert client.get("/api/v1/jobs", headers=bearer("viewer")).status_code == 403
    assert client.get("/api/v1/jobs").status_code == 401


def test_the_desk_jobs_page_lists_jobs_with_their_outcome(app, desk):
    run_a_job(app, "broken", fails=True)
    page = desk.get("/jobs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "broken" in html and "3 of 3" in html and "row 2 has no serial number" in html
    assert desk.get("/jobs?state=nope").status_code == 400
