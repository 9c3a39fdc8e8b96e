"""The desk pages of the loan desk and the calls their script makes (session and CSRF token)."""

from __future__ import annotations

import re

from tests.printer_standins import StandInQL
from tests.web.conftest import sign_in
from tests.web.printing.test_api_printing import make_app, printed_tags, wait

_DESK_CSRF = re.compile(r'data-csrf="([^"]+)"')


def desk_token(client, path: str = "/desk/check-in") -> str:
    page = client.get(path)
    assert page.status_code == 200
    return _DESK_CSRF.search(page.get_data(as_text=True)).group(1)


def test_the_pages_are_for_operators(client):
    sign_in(client, "viewer")
    assert client.get("/desk/check-out").status_code == 403
    assert client.get("/desk/check-in").status_code == 403


def test_the_check_in_page_lists_the_configured_damages(desk):
    html = desk.get("/desk/check-in").get_data(as_text=True)
    assert 'value="broken screen"' in html and 'value="missing charger"' in html
    assert 'id="scan"' in html and "loans.js" in html
    assert 'id="person"' in desk.get("/desk/check-out").get_data(as_text=True)


def test_desk_calls_need_the_page_s_csrf_token(desk):
    refused = desk.post("/desk/loans/check-in", json={"scan": "W12-00003"})
    assert refused.status_code == 400 and refused.get_json()["error"]["code"] == "csrf_failed"


def test_a_scan_names_a_device_by_tag_or_by_name(desk):
    headers = {"X-CSRFToken": desk_token(desk)}
    done = desk.post("/desk/loans/check-in", json={"scan": " W12-00003 "}, headers=headers)
    assert done.status_code == 200 and done.get_json()["asset"]["name"] == "W12-00003"
    named = desk.post(
        "/desk/loans/check-out", json={"scan": "Zoë's loaner", "person": "li.wei"}, headers=headers
    )
    assert named.status_code == 409 and "sofia.rossi" in named.get_json()["error"]["message"]
    unknown = desk.post("/desk/loans/check-in", json={"scan": "W12-09999"}, headers=headers)
    assert unknown.status_code == 404
    assert desk.post("/desk/loans/check-in", json={}, headers=headers).status_code == 400


def test_check_in_all_from_the_desk(desk):
    headers = {"X-CSRFToken": desk_token(desk)}
    done = desk.post("/desk/loans/check-in-all", json={"person": "li.wei"}, headers=headers)
    assert [i["asset_id"] for i in done.get_json()["items"]] == [10, 18]


def test_print_label_goes_to_the_printer_chosen_for_this_browser(tmp_path):
    """What a row's "Print label" sends through static/printing.js: the printing feature's
    JSON call with the page's token, to the printer chosen for this browser."""
    with StandInQL() as ql:
        app = make_app(tmp_path, ql.port)
        desk = app.test_client()
        sign_in(desk, "operator")
        page = desk.get("/desk/check-in").get_data(as_text=True)
        assert '<option value="desk" selected>desk</option>' in page
        assert "data-printer-chooser" in page and "printing.js" in page
        headers = {"X-CSRFToken": _DESK_CSRF.search(page).group(1), "Accept": "application/json"}
        chosen = desk.post("/printing/printer", data={"printer": "desk"}, headers=headers)
        assert chosen.status_code == 204
        sent = desk.post("/printing/print", data={"asset_id": "3"}, headers=headers)
        assert sent.status_code == 202, sent.get_data(as_text=True)
        wait(app)
        assert printed_tags(ql.jobs, tmp_path) == ["W12-00003"]
