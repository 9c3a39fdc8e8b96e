"""The loan desk's API on the demo backend: roles, errors that name the problem, the loan log.

The demo holds W12-00002 (nobody has it), W12-00003 (amara.okafor has it) and li.wei with
W12-00010 and "Room 204 spare".
"""

from __future__ import annotations

import csv
import io
import json
import threading

import pytest
from tests.web.conftest import bearer

from rtutils_core.errors import ConfigError
from rtutils_web.container import build_container, check_start_up
from rtutils_web.settings import Settings

STUDENTS = ("li.wei", "amara.okafor", "Li Wei", "Amara Okafor", "students.example.org")


def backend(app):
    return app.extensions["rtutils"].backend()


def out(client, asset_id: int, role: str = "operator", **body):
    return client.post(f"/api/v1/assets/{asset_id}/check-out", json=body, headers=bearer(role))


def back(client, asset_id: int, role: str = "operator", **body):
    return client.post(f"/api/v1/assets/{asset_id}/check-in", json=body, headers=bearer(role))


def test_check_out_then_in_with_damage_opens_a_ticket_that_refers_to_the_asset(client, app):
    done = out(client, 2, person="li.wei", due="2099-06-30")
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["asset"] == {
        "id": 2,
        "name": "W12-00002",
        "catalog": "Student Devices",
        "status": "in-use",
        "holders": ["li.wei"],
    }
    assert (body["changed"], body["loan"]["due"], body["loan"]["action"]) == (
        True,
        "2099-06-30",
        "check-out",
    )
    returned = back(client, 2, condition="damaged", damages=["keyboard"], note="sticky keys")
    assert returned.status_code == 200, returned.get_json()
    answer = returned.get_json()
    assert answer["holders"] == ["li.wei"] and answer["asset"]["status"] == "allocated"
    assert {a["name"] for a in answer["others"]} == {"W12-00010", "Room 204 spare"}
    ticket = backend(app).ticket(answer["ticket_id"])
    assert (ticket.queue, ticket.asset_id) == ("Device Repair", 2)
    assert backend(app).read_asset_state(2).referred_by == {answer["ticket_id"]}


def test_a_device_held_by_another_is_409_naming_the_holder_and_nothing_changes(client, app):
    before = backend(app).get_asset(3)
    refused = out(client, 3, person="li.wei")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "held_by_another" and "amara.okafor" in error["message"]
    assert error["holders"] == ["amara.okafor"]
    assert backend(app).get_asset(3) == before


def test_force_is_for_admins_and_is_logged_as_forced(client):
    assert out(client, 3, person="li.wei", force=True).status_code == 403
    forced = out(client, 3, "admin", person="li.wei", force=True)
    assert forced.status_code == 200
    assert forced.get_json()["loan"]["forced"] is True
    assert forced.get_json()["previous"] == ["amara.okafor"]


def test_an_unknown_person_is_404_naming_them_and_nobody_is_created(client, app):
    users = len(backend(app).records.users)
    for person in ("nobody.here", "nobody@students.example.org"):
        refused = out(client, 2, person=person)
        assert refused.status_code == 404
        assert person in refused.get_json()["error"]["message"]
        missing = client.get(f"/api/v1/people/{person}", headers=bearer("operator"))
        assert missing.status_code == 404 and person in missing.get_json()["error"]["message"]
    assert len(backend(app).records.users) == users


def test_a_second_check_in_is_409_already_checked_in_and_logged_once(client):
    assert back(client, 3).status_code == 200
    again = back(client, 3)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "already_checked_in"
    assert "already checked in" in again.get_json()["error"]["message"]
    listed = client.get("/api/v1/loans?asset_id=3", headers=bearer("operator")).get_json()
    assert (listed["total"], listed["check_ins"]) == (1, 1)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"condition": "broken"}, "condition must be"),
        ({"condition": "damaged", "damages": ["scratched"]}, "unknown damage 'scratched'"),
        ({"condition": "damaged"}, "needs a damage"),
        ({"condition": "ok", "typo": 1}, "typo"),
        ({"condition": "damaged", "damages": {"keyboard": 1}}, "damages must be a list"),
    ],
)
def test_a_bad_check_in_is_400_naming_the_problem_and_changes_nothing(client, app, body, problem):
    before = backend(app).get_asset(3)
    refused = back(client, 3, **body)
    assert refused.status_code == 400 and problem in refused.get_json()["error"]["message"]
    assert backend(app).get_asset(3) == before


def test_a_failed_ticket_leaves_the_check_in_standing_and_opens_again(client, app):
    demo = backend(app)
    demo.queues = frozenset({"General"})  # the repair queue is gone for a moment
    done = back(client, 3, condition="damaged", damages=["battery"]).get_json()
    assert done["ticket_id"] is None and "could not be opened" in done["ticket_error"]
    assert done["asset"]["holders"] == []
    demo.queues = frozenset({"General", "Device Repair"})
    loan_id = done["loan"]["id"]
    opened = client.post(f"/api/v1/loans/{loan_id}/ticket", headers=bearer("operator"))
    assert opened.status_code == 200, opened.get_json()
    ticket_id = opened.get_json()["ticket_id"]
    assert demo.read_asset_state(3).referred_by == {ticket_id}
    twice = client.post(f"/api/v1/loans/{loan_id}/ticket", headers=bearer("operator"))
    assert twice.status_code == 409
    assert client.post("/api/v1/loans/999/ticket", headers=bearer("operator")).status_code == 404


def test_a_person_and_check_in_all(client):
    held = client.get("/api/v1/people/li.wei@students.example.org", headers=bearer("operator"))
    assert held.status_code == 200
    assert held.get_json()["person"]["name"] == "li.wei"
    assert {a["id"] for a in held.get_json()["assets"]} == {10, 18}
    done = client.post("/api/v1/people/li.wei/check-in-all", headers=bearer("operator"))
    assert [i["ok"] for i in done.get_json()["items"]] == [True, True]
    after = client.get("/api/v1/people/li.wei", headers=bearer("operator")).get_json()
    assert after["assets"] == []


def test_viewers_read_counts_only_and_never_a_name(client):
    out(client, 2, person="li.wei")
    listed = client.get("/api/v1/loans", headers=bearer("viewer"))
    assert listed.status_code == 200
    assert listed.get_json() == {
        "total": 1,
        "check_outs": 1,
        "check_ins": 0,
        "names_shown": False,
        "events": [],
    }
    still = client.get("/api/v1/loans/outstanding", headers=bearer("viewer")).get_json()
    assert still["total"] > 0 and still["items"] == [] and not still["names_shown"]
    for url in (
        "/api/v1/loans?person=li.wei",
        "/api/v1/loans.csv",
        "/api/v1/loans/outstanding.csv",
        "/api/v1/people/li.wei",
    ):
        assert client.get(url, headers=bearer("viewer")).status_code == 403, url
    assert out(client, 2, "viewer", person="li.wei").status_code == 403


def test_the_loan_log_filters_and_its_csv(client):
    out(client, 2, person="li.wei")
    back(client, 2)
    out(client, 5, person="amara.okafor")
    op = bearer("operator")
    everything = client.get("/api/v1/loans", headers=op).get_json()
    assert [e["action"] for e in everything["events"]] == ["check-out", "check-in", "check-out"]
    day = everything["events"][0]["at"][:10]
    for query, count in (
        (f"since={day}&until={day}", 3),
        ("asset_id=2", 2),
        ("person=amara.okafor", 1),
        ("since=2000-01-01&until=2000-01-01", 0),
    ):
        assert client.get(f"/api/v1/loans?{query}", headers=op).get_json()["total"] == count
    table = client.get("/api/v1/loans.csv?asset_id=2", headers=op)
    assert table.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert [(r["action"], r["person"]) for r in rows] == [
        ("check-out", "li.wei"),
        ("check-in", "li.wei"),
    ]
    bad = client.get("/api/v1/loans?since=yesterday", headers=op)
    assert bad.status_code == 400 and "since" in bad.get_json()["error"]["message"]


def test_devices_still_out_as_json_and_csv(client):
    op = bearer("operator")
    page = client.get("/api/v1/loans/outstanding?catalog=Student Devices", headers=op).get_json()
    assert page["names_shown"] and page["total"] == len(page["items"]) > 0
    table = client.get("/api/v1/loans/outstanding.csv", headers=op).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(table)))
    assert {r["tag"]: r["holder"] for r in rows}["W12-00003"] == "amara.okafor"
    assert len(rows) == page["total"]
    unknown = client.get("/api/v1/loans/outstanding?catalog=Nope", headers=op)
    assert unknown.status_code == 404


def test_logs_carry_ids_never_student_names(client, log_lines):
    out(client, 2, person="li.wei")
    out(client, 3, person="li.wei")  # 409 naming amara.okafor
    out(client, 2, person="nobody.here")  # 404 naming them
    back(client, 2, condition="damaged", note="Li Wei says it fell")
    client.get("/api/v1/people/li.wei", headers=bearer("operator"))
    client.get("/api/v1/people/amara.okafor@students.example.org", headers=bearer("viewer"))
    client.post("/api/v1/people/li.wei/check-in-all", headers=bearer("operator"))
    text = json.dumps(log_lines())
    for name in (*STUDENTS, "nobody.here", "fell"):
        assert name not in text, name
    (checked_out,) = log_lines("loan_check_out")
    assert (checked_out["asset_id"], checked_out["person_id"]) == (2, 6)
    assert {line["path"] for line in log_lines("request")} >= {"/api/v1/people/<name>"}


def test_statuses_the_lifecycle_refuses_stop_start_up_naming_the_variable(tmp_path):
    settings = Settings.from_env(
        {"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(tmp_path), "CHECKIN_STATUS": "new"}
    )
    with pytest.raises(ConfigError, match="CHECKOUT_STATUS / CHECKIN_STATUS: 'in-use' -> 'new'"):
        check_start_up(build_container(settings))


def test_two_desks_checking_in_one_device_at_once_make_one_check_in(app):
    barrier = threading.Barrier(2)
    answers: list[tuple[int, dict]] = []

    def desk() -> None:
        client = app.test_client()
        barrier.wait()
        answer = back(client, 3)
        answers.append((answer.status_code, answer.get_json()))

    threads = [threading.Thread(target=desk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(code for code, _ in answers) == [200, 409]
    refused = next(body for code, body in answers if code == 409)
    assert refused["error"]["code"] == "already_checked_in"
    listed = app.test_client().get("/api/v1/loans?asset_id=3", headers=bearer("operator"))
    assert listed.get_json()["total"] == 1


@pytest.mark.parametrize("due", ["0001-01-01", "2020-02-29"])
def test_a_check_out_due_before_today_is_refused_and_changes_nothing(client, app, due):
    refused = out(client, 2, person="li.wei", due=due)
    assert refused.status_code == 400
    message = refused.get_json()["error"]["message"]
    assert message.startswith("due must be today (") and message.endswith(f"or later, not {due}")
    assert backend(app).get_asset(2).status != "in-use"
