"""Due dates on the demo backend through the web app: the overdue list (operator and viewer),
its CSV, the dry run of the notices and the queued run, and the desk's pages."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from tests.web.conftest import bearer, sign_in

TODAY = date.today()


def out(client, asset_id: int, person: str, due: date):
    answer = client.post(
        f"/api/v1/assets/{asset_id}/check-out",
        json={"person": person, "due": due.isoformat()},
        headers=bearer("operator"),
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def later(days: int):
    moment = datetime.combine(TODAY + timedelta(days=days), datetime.min.time(), UTC)
    return time_machine.travel(moment + timedelta(hours=12), tick=False)


def test_the_overdue_list_by_due_date_names_for_operators_counts_for_viewers(client):
    out(client, 2, "li.wei", TODAY + timedelta(days=1))
    out(client, 3, "li.wei", TODAY + timedelta(days=5))  # forced from amara: refused
    with later(4):
        answer = client.get("/api/v1/loans/overdue", headers=bearer("operator"))
        viewer = client.get("/api/v1/loans/overdue", headers=bearer("viewer"))
        every = client.get(
            "/api/v1/loans/overdue?state=overdue,due-soon,due-later", headers=bearer("operator")
        )
    body = answer.get_json()
    assert (body["total"], body["overdue"], body["due_soon"], body["soon_days"]) == (2, 1, 1, 3)
    assert [(i["tag"], i["state"], i["days_overdue"]) for i in body["items"]] == [
        ("W12-00002", "overdue", 3),
        ("W12-00003", "due-soon", 0),
    ]
    assert body["items"][0]["holder"] == "li.wei" and body["items"][0]["loan_id"] >= 1
    seen = viewer.get_json()
    assert (seen["names_shown"], seen["items"], seen["overdue"]) == (False, [], 1)
    assert every.get_json()["total"] == 2


@pytest.fixture(autouse=True)
def _force_allowed(client):
    """W12-00003 is amara's in the demo: give it back first so li.wei can borrow it."""
    client.post("/api/v1/assets/3/check-in", json={}, headers=bearer("operator"))


def test_filters_and_their_refusals(client):
    out(client, 2, "li.wei", TODAY + timedelta(days=1))
    with later(3):
        by_person = client.get("/api/v1/loans/overdue?person=li.wei", headers=bearer("operator"))
        nobody = client.get("/api/v1/loans/overdue?person=amara.okafor", headers=bearer("operator"))
        refused = client.get("/api/v1/loans/overdue?person=li.wei", headers=bearer("viewer"))
        bad_state = client.get("/api/v1/loans/overdue?state=late", headers=bearer("operator"))
        bad_grade = client.get("/api/v1/loans/overdue?grade=13", headers=bearer("operator"))
        unknown = client.get("/api/v1/loans/overdue?colour=red", headers=bearer("operator"))
    assert by_person.get_json()["total"] == 1 and nobody.get_json()["total"] == 0
    assert refused.status_code == 403
    assert (
        bad_state.status_code == 400
        and "state must be one of" in bad_state.get_json()["error"]["message"]
    )
    assert bad_grade.status_code == 400 and "grade" in bad_grade.get_json()["error"]["message"]
    assert unknown.status_code == 400


def test_the_csv_for_operators_only(client):
    out(client, 2, "li.wei", TODAY + timedelta(days=1))
    with later(2):
        answer = client.get("/api/v1/loans/overdue.csv", headers=bearer("operator"))
        viewer = client.get("/api/v1/loans/overdue.csv", headers=bearer("viewer"))
    assert viewer.status_code == 403
    (row,) = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert (row["tag"], row["holder"], row["state"], row["days_overdue"]) == (
        "W12-00002",
        "li.wei",
        "overdue",
        "1",
    )


def test_a_dry_run_lists_who_would_get_what_and_a_run_is_queued(client):
    out(client, 2, "li.wei", TODAY + timedelta(days=1))
    with later(2):
        dry = client.post(
            "/api/v1/notices/runs",
            json={"kind": "due", "dry_run": True},
            headers=bearer("operator"),
        )
        viewer = client.post(
            "/api/v1/notices/runs", json={"kind": "due", "dry_run": True}, headers=bearer("viewer")
        )
        queued = client.post(
            "/api/v1/notices/runs", json={"kind": "due"}, headers=bearer("operator")
        )
        bad = client.post("/api/v1/notices/runs", json={"kind": "all"}, headers=bearer("operator"))
    plan = dry.get_json()
    assert dry.status_code == 200 and plan["new"] + plan["unreachable"] == 1
    (notice,) = plan["notices"]
    assert (notice["kind"], notice["person"], notice["asset_id"]) == ("overdue", "li.wei", 2)
    assert viewer.status_code == 403
    assert queued.status_code == 202 and queued.get_json()["kind"] == "due-notices"
    assert queued.headers["Location"].endswith(queued.get_json()["id"])
    assert bad.status_code == 400


def test_the_desk_pages_show_the_list_and_the_dry_run(client):
    desk = client
    out(desk, 2, "li.wei", TODAY + timedelta(days=1))
    with later(2):
        sign_in(desk)  # a desk session lasts hours, not days
        page = desk.get("/desk/overdue")
        notices = desk.get("/desk/notices")
        campaign = desk.get("/desk/notices?kind=campaign")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "W12-00002" in html and "overdue 1 day" in html
    assert notices.status_code == 200 and "li.wei" in notices.get_data(as_text=True)
    assert campaign.status_code == 200
    assert "Return campaign" in campaign.get_data(as_text=True)
