"""The desk's printing: send a label from the asset page or a batch from the batch page to
the browser's printer (remembered), watch the job, retry it after the printer is back."""

from __future__ import annotations

import re

from tests.conftest import free_port
from tests.printer_standins import StandInQL
from tests.web.conftest import csrf_token, sign_in
from tests.web.printing.test_api_printing import make_app, printed_tags, wait

from rtutils_core.labels.batches import BatchSelection

JOB_URL = re.compile(r"/printing/jobs/([0-9a-f]+)$")


def desk_for(tmp_path, port: int):
    app = make_app(tmp_path, port)
    client = app.test_client()
    sign_in(client, "operator")
    return app, client


def test_the_asset_page_sends_its_label_to_the_chosen_printer(tmp_path):
    with StandInQL() as ql:
        app, desk = desk_for(tmp_path, ql.port)
        page = desk.get("/assets/1").get_data(as_text=True)
        assert "Send to printer" in page
        assert '<option value="desk" selected>desk</option>' in page
        sent = desk.post(
            "/printing/print",
            data={"csrf_token": csrf_token(desk, "/assets/1"), "asset_id": "1", "printer": "desk"},
        )
        assert sent.status_code == 302
        assert JOB_URL.search(sent.headers["Location"])
        assert "rtutils_printer=desk" in sent.headers["Set-Cookie"]
        wait(app)
        job = desk.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-state="sent"' in job
    assert "the 1 label went to the printer" in job
    assert printed_tags(ql.jobs, tmp_path) == ["W12-00001"]


def test_a_batch_goes_to_the_printer_and_a_failed_one_is_retried_from_the_job_page(tmp_path):
    port = free_port()
    app, desk = desk_for(tmp_path, port)
    batch = desk.get("/labels/batch").get_data(as_text=True)
    assert batch.count('<option value="desk" selected>desk</option>') == 2  # list and search
    assert "printing.js" in batch
    sent = desk.post(
        "/printing/print",
        data={"csrf_token": csrf_token(desk, "/labels/batch"), "tags": "W12-00002, W12-00003"},
    )
    wait(app)
    page = desk.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-state="failed"' in page
    assert "refused the connection" in page
    assert "Retry: print the 2 labels that did not print" in page
    with StandInQL(port) as ql:
        retried = desk.post(
            sent.headers["Location"] + "/retry",
            data={"csrf_token": csrf_token(desk, sent.headers["Location"])},
        )
        assert retried.status_code == 302
        wait(app)
    assert 'data-state="sent"' in desk.get(sent.headers["Location"]).get_data(as_text=True)
    assert printed_tags(ql.jobs, tmp_path) == ["W12-00002", "W12-00003"]


def test_a_job_page_reloads_itself_while_the_job_is_waiting(tmp_path):
    app, desk = desk_for(tmp_path, free_port())
    service = app.extensions["rtutils"].printing.print_service()
    job = service.submit("desk", BatchSelection(tags=["W12-00004"]))
    page = desk.get(f"/printing/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Queued: 1 label waits for the printer" in page


def test_a_print_that_cannot_be_made_says_why(tmp_path):
    _, desk = desk_for(tmp_path, free_port())
    answer = desk.post(
        "/printing/print",
        data={"csrf_token": csrf_token(desk, "/labels/batch"), "tags": "W12-99999"},
    )
    assert answer.status_code == 400
    assert "nothing to print: W12-99999" in answer.get_data(as_text=True)


def test_script_gets_json_from_the_desk_routes_and_a_search_batch_prints(tmp_path):
    with StandInQL() as ql:
        app, desk = desk_for(tmp_path, ql.port)
        token = csrf_token(desk, "/labels/batch")
        script = {"Accept": "application/json", "X-CSRFToken": token}
        listed = desk.get("/printing/printers", headers=script).get_json()
        assert ([p["name"] for p in listed["printers"]], listed["chosen"]) == (
            ["desk", "office"],
            "desk",
        )
        chosen = desk.post("/printing/printer", data={"printer": "office"}, headers=script)
        assert (chosen.status_code, chosen.headers["Set-Cookie"][:22]) == (
            204,
            "rtutils_printer=office",
        )
        unknown = desk.post("/printing/printer", data={"printer": "attic"}, headers=script)
        assert unknown.status_code == 404
        assert "no printer called 'attic'" in unknown.get_json()["error"]["message"]
        search = {"source": "search", "name_prefix": "W12-0000", "printer": "desk"}
        sent = desk.post("/printing/print", data=search, headers=script)
        assert sent.status_code == 202, sent.get_json()
        job = sent.get_json()
        assert (job["state"], job["printer"]) == ("queued", "desk")
        wait(app)
        done = desk.get(f"/api/v1/print-jobs/{job['id']}").get_json()  # the page's session
    assert (done["state"], done["printed"]) == ("sent", job["total"])
    assert len(ql.jobs) == job["total"] >= 9
    refused = desk.post("/printing/print", data={"tags": "W12-99999"}, headers=script)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["message"] == "nothing to print: W12-99999"
