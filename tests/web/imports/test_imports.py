"""CSV imports through the API and the desk page, on the demo backend with its real job store.

The job runs in the test's thread (the worker's part, without a worker process).
"""

from __future__ import annotations

import csv
import io
import re

from tests.web.conftest import bearer, csrf_token

HEADER = "Catalog,Serial Number,Manufacturer,Model,Type,Funding Source"
GOOD = "Student Devices,{},HP,Chromebook 11 G9,Chromebook,Title I"
FILE = "\n".join(
    [
        HEADER,
        GOOD.format("WEB-0001"),
        "Student Devices,WEB-0002,HP,,Chromebook,Title I",  # row 3: no model
        GOOD.format("WEB-0003"),
        GOOD.format("NXH0007919ZA"),  # row 5: a demo asset has it
        GOOD.format("WEB-0004"),
    ]
)
OPERATOR = bearer("operator")


def run_jobs(app) -> None:
    """What a worker would do: run every queued job."""
    jobs = app.extensions["rtutils"].jobs.job_service()
    for job in jobs.list(states=["queued"]):
        jobs.run(job.id, "test-worker")


def post_csv(client, body, query: str = "", content_type: str = "text/csv"):
    return client.post(
        f"/api/v1/imports{query}", data=body, content_type=content_type, headers=OPERATOR
    )


def test_dry_run_names_the_bad_rows_and_changes_nothing(app, client):
    answer = post_csv(client, FILE, "?dry_run=true")
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert (report["total"], report["ready"], report["already"]) == (5, 3, 0)
    assert report["bad_rows"] == [3, 5]
    assert [(p["row"], p["field"]) for p in report["problems"]] == [(3, "model"), (5, "serial")]
    assert "belongs to asset" in report["problems"][1]["message"]
    assert app.extensions["rtutils"].jobs.job_service().list() == []


def test_an_upload_becomes_a_job_whose_progress_and_result_file_match_the_backend(app, client):
    answer = client.post(
        "/api/v1/imports",
        data={"file": (io.BytesIO(b"\xef\xbb\xbf" + FILE.encode()), "devices.csv")},
        content_type="multipart/form-data",
        headers=OPERATOR,
    )
    assert answer.status_code == 202, answer.get_json()
    job = answer.get_json()
    assert answer.headers["Location"] == f"/api/v1/imports/{job['id']}"
    assert (job["state"], job["done"], job["total"], job["result_url"]) == ("queued", 0, 5, None)
    early = client.get(f"/api/v1/imports/{job['id']}/result.csv", headers=OPERATOR)
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "import_not_finished"

    run_jobs(app)
    done = client.get(f"/api/v1/imports/{job['id']}", headers=OPERATOR).get_json()
    assert (done["state"], done["done"], done["total"]) == ("succeeded", 5, 5)
    assert (done["created"], done["skipped"], done["failed"], done["seconds_left"]) == (3, 0, 2, 0)
    result = client.get(done["result_url"], headers=OPERATOR)
    assert result.status_code == 200 and result.mimetype == "text/csv"
    assert "attachment" in result.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(result.get_data(as_text=True))))
    assert [(e["row"], e["state"]) for e in table] == [
        ("2", "created"),
        ("3", "failed"),
        ("4", "created"),
        ("5", "failed"),
        ("6", "created"),
    ]
    backend = app.extensions["rtutils"].backend()
    for entry in (e for e in table if e["state"] == "created"):
        asset = backend.get_asset(int(entry["asset_id"]))
        assert (asset.name, asset.cf("Internal Name")) == (entry["tag"], entry["internal_name"])
        assert asset.cf("Model") == "Chromebook 11 G9"


def test_bad_input_is_a_clear_error_naming_the_problem(client):
    cases = [
        (post_csv(client, b"\x89PNG\r\n\x1a\n\x00\x00"), 400, "not CSV text"),
        (post_csv(client, "serial,model\nA,B\n"), 400, "lacks the columns catalog"),
        (post_csv(client, ""), 400, "the file is empty"),
        (post_csv(client, HEADER + "\n"), 400, "no rows below its header"),
        (post_csv(client, FILE, "?dry_run=maybe"), 400, "dry_run must be true or false"),
        (post_csv(client, "{}", content_type="application/json"), 415, "multipart/form-data"),
        (post_csv(client, "x" * (1024 * 1024 + 10)), 413, "larger than 1024 KiB"),
        (
            client.post(
                "/api/v1/imports",
                data={"other": "x"},
                content_type="multipart/form-data",
                headers=OPERATOR,
            ),
            400,
            "choose a CSV file",
        ),
    ]
    for answer, status, message in cases:
        assert answer.status_code == status, answer.get_json()
        assert message in answer.get_json()["error"]["message"]
    viewer = client.post(
        "/api/v1/imports", data=FILE, content_type="text/csv", headers=bearer("viewer")
    )
    assert viewer.status_code == 403
    missing = client.get("/api/v1/imports/no-such-job", headers=OPERATOR)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "job_not_found"


def test_the_desk_page_checks_starts_and_follows_an_import_across_reloads(app, desk):
    page = desk.get("/intake/import")
    assert page.status_code == 200 and 'type="file"' in page.get_data(as_text=True)

    def send(action: str):
        return desk.post(
            "/intake/import",
            data={
                "csrf_token": csrf_token(desk, "/intake/import"),
                "action": action,
                "file": (io.BytesIO(FILE.encode()), "devices.csv"),
            },
            content_type="multipart/form-data",
        )

    checked = send("check").get_data(as_text=True)
    assert 'data-bad-rows="2"' in checked
    assert re.search(r"<td>3</td><td>model</td>", checked)
    assert "3 to create, 0 imported before, 2 with problems" in checked

    started = send("import")
    assert started.status_code == 303
    progress_url = started.headers["Location"]
    waiting = desk.get(progress_url).get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and 'data-state="queued"' in waiting
    assert '<progress max="5" value="0">' in waiting

    run_jobs(app)
    finished = desk.get(progress_url).get_data(as_text=True)  # a reload finds the job again
    assert 'http-equiv="refresh"' not in finished and 'data-state="succeeded"' in finished
    assert '<progress max="5" value="5">' in finished
    assert "3 created, 0 imported before, 2 failed" in finished
    link = re.search(r'href="(/api/v1/imports/[^"]+/result\.csv)"', finished).group(1)
    assert desk.get(link).status_code == 200  # the desk's session reads it
    assert progress_url.rsplit("/", 1)[1] in desk.get("/intake/import").get_data(as_text=True)

    bad = desk.post(
        "/intake/import",
        data={
            "csrf_token": csrf_token(desk, "/intake/import"),
            "action": "check",
            "file": (io.BytesIO(b"serial\nA\n"), "devices.csv"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "lacks the columns" in bad.get_data(as_text=True)
