"""The printing API with a stand-in Brother QL: printers, jobs answered 202 and sent in the
background, their state, retry after the printer is back, and the errors a client sees."""

from __future__ import annotations

import time

import pytest
import zxingcpp
from tests.conftest import free_port
from tests.printer_standins import StandInQL, read_raster
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING, bearer

from rtutils_adapters.jobs import HueyJobQueue, JobWorker, sqlite_huey
from rtutils_adapters.memory.jobs import InlineJobQueue
from rtutils_core.errors import ConfigError
from rtutils_web.app import create_app
from rtutils_web.settings import Settings

OPERATOR = bearer("operator")
TAGS = ["W12-00001", "W12-00002", "W12-00003"]


def make_app(tmp_path, port: int):
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "WORKING_DIR": str(tmp_path / "state"),
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "SECRET_KEY": SECRET_KEY,
            "PRINTERS": (
                f"desk=brother-ql,tcp://127.0.0.1:{port},QL-820NWB,62;"
                " office=cups,Labels,QL-820NWB,29x90"
            ),
        }
    )
    app = create_app(settings)
    container = app.extensions["rtutils"]
    # Short timeouts, so that a printer that is off fails the job quickly.
    for printer in container.printing.printers().values():
        printer.connect_timeout = printer.send_timeout = 2.0
    # The worker's part runs in the test's thread (see wait); one test runs a real worker.
    container.jobs.job_service().queue = InlineJobQueue()
    return app


def wait(app) -> None:
    """Run the background jobs submitted so far, as a worker would."""
    jobs = app.extensions["rtutils"].jobs.job_service()
    jobs.queue.run_pending(jobs)


def printed_tags(jobs: list[bytes], tmp_path) -> list[str]:
    tags = []
    for job in jobs:
        (page,) = read_raster(job, tmp_path / "pages")
        codes = {r.format.name: r.text for r in zxingcpp.read_barcodes(page)}
        assert codes["QRCode"].startswith("https://tickets.wc-12.com/Asset/Display.html?id=")
        tags.append(codes["Code128"])
    return tags


def test_the_printers_are_listed_for_operators(tmp_path):
    client = make_app(tmp_path, free_port()).test_client()
    answer = client.get("/api/v1/printers", headers=OPERATOR)
    assert answer.status_code == 200
    assert answer.get_json()["printers"] == [
        {
            "name": "desk",
            "kind": "brother-ql",
            "model": "QL-820NWB",
            "media": "62",
            "media_name": "62 mm endless tape",
            "template": "large",
        },
        {
            "name": "office",
            "kind": "cups",
            "model": "QL-820NWB",
            "media": "29x90",
            "media_name": "29 x 90 mm die-cut labels",
            "template": "small",
        },
    ]
    assert client.get("/api/v1/printers", headers=bearer("viewer")).status_code == 403


def test_a_printers_state_says_whether_it_can_print_now(tmp_path):
    port = free_port()
    client = make_app(tmp_path, port).test_client()
    down = client.get("/api/v1/printers/desk", headers=OPERATOR).get_json()
    assert (down["printer"]["name"], down["ready"]) == ("desk", False)
    assert "connection refused" in down["detail"]
    with StandInQL(port):
        up = client.get("/api/v1/printers/desk", headers=OPERATOR).get_json()
    assert (up["ready"], up["detail"]) == (True, "accepts connections")
    assert client.get("/api/v1/printers/attic", headers=OPERATOR).status_code == 404


def test_a_print_job_is_accepted_then_sent_in_the_background_by_a_job_worker(tmp_path):
    with StandInQL() as ql:
        app = make_app(tmp_path, ql.port)
        jobs = app.extensions["rtutils"].jobs.job_service()
        jobs.queue = HueyJobQueue(sqlite_huey(tmp_path))
        worker = JobWorker(jobs, jobs.queue, threads=1, tick=0.2)
        worker.start()
        client = app.test_client()
        try:
            answer = client.post(
                "/api/v1/print-jobs", json={"printer": "desk", "tags": TAGS}, headers=OPERATOR
            )
            assert answer.status_code == 202
            job = answer.get_json()
            assert job["state"] in ("queued", "sending", "sent")
            assert (job["printer"], job["template"], job["total"]) == ("desk", "large", 3)
            assert answer.headers["Location"] == f"/api/v1/print-jobs/{job['id']}"
            # Until the job ends (sent or failed), however busy the machine; the bound only
            # turns a hang into a failure.
            deadline = time.monotonic() + 300
            while (done := client.get(answer.headers["Location"], headers=OPERATOR).get_json())[
                "state"
            ] in ("queued", "sending") and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            worker.stop()
    assert (done["state"], done["printed"], done["reason"]) == ("sent", 3, "")
    assert printed_tags(ql.jobs, tmp_path) == TAGS
    # The sending was a job of the job system, with its progress.
    (sent,) = client.get("/api/v1/jobs?kind=print", headers=OPERATOR).get_json()["jobs"]
    assert (sent["state"], sent["done"], sent["total"]) == ("succeeded", 3, 3)
    assert sent["result"] == {"print_job": job["id"], "printer": "desk", "printed": 3}


def test_a_printer_that_is_off_fails_the_job_and_a_retry_prints_each_label_once(tmp_path):
    port = free_port()
    app = make_app(tmp_path, port)
    client = app.test_client()
    answer = client.post(
        "/api/v1/print-jobs", json={"printer": "desk", "tags": TAGS}, headers=OPERATOR
    )
    location = answer.headers["Location"]
    wait(app)
    failed = client.get(location, headers=OPERATOR).get_json()
    assert failed["state"] == "failed"
    assert "refused the connection" in failed["reason"]
    with StandInQL(port) as ql:
        again = client.post(location + "/retry", headers=OPERATOR)
        assert again.status_code == 202
        wait(app)
    done = client.get(location, headers=OPERATOR).get_json()
    assert (done["state"], done["printed"], done["attempts"]) == ("sent", 3, 2)
    assert printed_tags(ql.jobs, tmp_path) == TAGS
    conflict = client.post(location + "/retry", headers=OPERATOR)
    assert conflict.status_code == 409
    assert "only a failed job can be retried" in conflict.get_json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"printer": "attic", "tags": TAGS}, 404, "no printer called 'attic'"),
        ({"printer": "desk", "tags": TAGS, "asset_ids": [1]}, 400, "exactly one of"),
        ({"printer": "desk"}, 400, "exactly one of"),
        ({"printer": "desk", "tags": TAGS, "copies": 0}, 400, "copies must be between"),
        ({"printer": "desk", "tags": TAGS, "template": "small"}, 400, "takes the 'large'"),
        ({"printer": "desk", "tags": ["W12-99999"]}, 400, "nothing to print: W12-99999"),
    ],
)
def test_bad_print_requests_are_refused_with_a_clear_message(tmp_path, body, status, words):
    client = make_app(tmp_path, free_port()).test_client()
    answer = client.post("/api/v1/print-jobs", json=body, headers=OPERATOR)
    assert answer.status_code == status, answer.get_json()
    assert words in answer.get_json()["error"]["message"]


def test_unknown_jobs_and_callers_without_the_role_are_refused(tmp_path):
    client = make_app(tmp_path, free_port()).test_client()
    assert client.get("/api/v1/print-jobs/nope", headers=OPERATOR).status_code == 404
    assert client.post("/api/v1/print-jobs/nope/retry", headers=OPERATOR).status_code == 404
    viewer = client.post(
        "/api/v1/print-jobs", json={"printer": "desk", "tags": TAGS}, headers=bearer("viewer")
    )
    assert viewer.status_code == 403


def test_a_bad_printers_setting_stops_start_up_naming_the_entry():
    with pytest.raises(ConfigError, match=r"PRINTERS entry 1 \('desk=zebra"):
        Settings.from_env({"RTUTILS_BACKEND": "demo", "PRINTERS": "desk=zebra,x,y,62"})
