"""The desk's return pages on the demo: dashboard with its chart, list, student, roster."""

from __future__ import annotations

import io
import re

from tests.web.conftest import csrf_token, sign_in


def test_a_viewer_sees_the_dashboard_with_counts_and_no_student(client):
    sign_in(client, "viewer")
    page = client.get("/returns")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<svg" in html and "Returns per day" in html
    # The chart is drawn by the server: the one script is every page's own (scanfield.js).
    assert html.count("<script") == 1 and "scanfield.js" in html
    assert "Okafor" not in html and "/students" not in html
    assert client.get("/students").status_code == 403
    assert client.get("/returns?year=abc").status_code == 400


def test_the_list_filters_and_the_student_page_records_and_undoes(desk):
    listed = desk.get("/students?grade=8&state=&q=").get_data(as_text=True)
    assert "100104" in listed and "100101" not in listed
    page = desk.get("/students/100104").get_data(as_text=True)
    assert "Erzsebet Kovacs" in page and 'id="state">outstanding' in page
    token = csrf_token(desk, "/students/100104")
    done = desk.post(
        "/students/100104/manual", data={"kind": "lost", "reason": "bus", "csrf_token": token}
    )
    assert done.status_code == 302
    page = desk.get("/students/100104").get_data(as_text=True)
    assert 'id="state">returned' in page and "Recorded a manual check-in (lost)." in page
    manual_id = re.search(r"/students/100104/manual/(\d+)/undo", page).group(1)
    desk.post(
        f"/students/100104/manual/{manual_id}/undo", data={"reason": "found", "csrf_token": token}
    )
    page = desk.get("/students/100104").get_data(as_text=True)
    assert 'id="state">outstanding' in page and "Undid the manual check-in." in page
    refused = desk.post(
        "/students/100104/manual", data={"kind": "lost", "reason": " ", "csrf_token": token}
    )
    assert refused.status_code == 400 and "reason" in refused.get_data(as_text=True)
    assert desk.get("/students/nobody").status_code == 404


def test_the_roster_upload_is_a_dry_run_unless_ticked(client):
    sign_in(client, "admin")
    token = csrf_token(client, "/students/roster")
    roster = b"student_id,first_name,last_name,grade,rt_user\n9001,Al,Bo,K,\n9002,Cy,Di,20,\n"

    def upload(**more):
        data = {"csrf_token": token, "roster": (io.BytesIO(roster), "roster.csv"), **more}
        return client.post("/students/roster", data=data, content_type="multipart/form-data")

    dry = upload().get_data(as_text=True)
    # Bad rows make the report a warning; it names who would be added, and keeps the file.
    assert 'class="flash warning"' in dry and "Dry run, nothing changed, with 1 bad row(s)" in dry
    assert "2 rows: 1 would be added" in dry and "Would add: 9001 Al Bo" in dry
    assert "grade must be PK, K or 1 to 12" in dry
    assert client.get("/students/9001").status_code == 404
    kept = {"csrf_token": token, "apply": "yes", "roster_text": roster.decode()}
    done = client.post("/students/roster", data=kept).get_data(as_text=True)
    assert "Imported, with 1 bad row(s) left out (below)." in done and "Added: 9001 Al Bo" in done
    assert client.get("/students/9001").status_code == 200


def test_the_roster_upload_says_what_a_student_id_is_and_refuses_others(client):
    sign_in(client, "admin")
    form = client.get("/students/roster").get_data(as_text=True)
    assert "A student id is 1 to 64 letters, digits" in form
    roster = b"student_id,first_name,last_name,grade,rt_user\n2024/17,Al,Bo,K,\n9003,Cy,Di,5,\n"
    data = {
        "csrf_token": csrf_token(client, "/students/roster"),
        "roster": (io.BytesIO(roster), "roster.csv"),
        "apply": "yes",
    }
    page = client.post("/students/roster", data=data, content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert "2 rows: 1 added" in text and "student id &#39;2024/17&#39; is not" in text
    assert client.get("/students/9003").status_code == 200
