"""The audit pages: an operator starts, scans (the page's script calls, with its CSRF
token), finishes and marks lost from the forms; a viewer sees counts and models only."""

from __future__ import annotations

import re

from tests.web.conftest import csrf_token, sign_in

_DESK_CSRF = re.compile(r'data-csrf="([^"]+)"')


def start_room(desk) -> str:
    form = {"name": "Room 101 spring", "kind": "location", "value": "Room 101"}
    started = desk.post("/audits", data={**form, "csrf_token": csrf_token(desk, "/audits")})
    assert started.status_code == 302, started.get_data(as_text=True)
    return started.headers["Location"]


def test_an_operator_audits_a_room_from_the_pages(desk):
    page_url = start_room(desk)
    html = desk.get(page_url).get_data(as_text=True)
    assert 'id="scan"' in html and "scanqueue.js" in html and "audits.js" in html
    token = _DESK_CSRF.search(html).group(1)
    audit_id = page_url.rsplit("/", 1)[1]
    scan_url = f"/desk/audits/{audit_id}/scan"
    refused = desk.post(scan_url, json={"scan": "W12-00002"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"
    done = desk.post(
        scan_url, json={"scan": "W12-00002", "desk": "d1"}, headers={"X-CSRFToken": token}
    )
    assert done.get_json()["outcome"] == "present"

    finished = desk.post(f"{page_url}/finish", data={"csrf_token": csrf_token(desk, page_url)})
    assert finished.status_code == 302
    html = desk.get(page_url).get_data(as_text=True)
    assert "Last Audited is being written" in html and 'id="scan"' not in html
    missing = re.search(r'name="asset_id" value="(\d+)"', html).group(1)
    lost = desk.post(
        f"{page_url}/lost",
        data={
            "asset_id": missing,
            "comment": "not in the room",
            "csrf_token": csrf_token(desk, page_url),
        },
    )
    assert lost.status_code == 302
    assert "1 marked lost" in desk.get(page_url).get_data(as_text=True)


def test_a_bad_start_says_why_on_the_page(desk):
    form = {
        "name": "x",
        "kind": "location",
        "value": " ",
        "csrf_token": csrf_token(desk, "/audits"),
    }
    answer = desk.post("/audits", data=form, follow_redirects=True)
    assert "Not started: a location scope needs a value" in answer.get_data(as_text=True)


def test_a_viewer_sees_counts_and_models_only(client, desk):
    page_url = start_room(desk)
    client.post("/logout", data={"csrf_token": csrf_token(desk, "/audits")})
    sign_in(client, "viewer")
    html = client.get(page_url).get_data(as_text=True)
    assert 'data-count="expected"' in html and "By model" in html
    assert 'id="scan"' not in html and 'id="missing"' not in html
    assert "Start an audit" not in client.get("/audits").get_data(as_text=True)
    assert "Room 101 spring" in client.get("/audits").get_data(as_text=True)


def test_the_overdue_page_lists_never_audited_devices_first(client):
    sign_in(client, "viewer")
    html = client.get("/audits/overdue?catalog=Student Devices").get_data(as_text=True)
    assert "never" in html and "W12-00002" in html
    refused = client.get("/audits/overdue?catalog=General assets").get_data(as_text=True)
    assert "is not applied to catalog" in refused
