"""What the desk's calls answer for each kind of scan: a device, a person, a student id,
nothing known; in the desk's words."""

from __future__ import annotations

from tests.web.loans.test_pages_loans import desk_token


def post(desk, path: str, body: dict):
    return desk.post(path, json=body, headers={"X-CSRFToken": desk_token(desk)})


def test_a_card_scanned_as_a_device_names_the_person_and_changes_nothing(desk):
    answer = post(desk, "/desk/loans/check-out", {"scan": "100105", "person": "li.wei"})
    found = answer.get_json()
    assert (answer.status_code, found["kind"], found["how"]) == (200, "person", "student id")
    assert (found["person"]["name"], found["student_id"]) == ("jose.garcia", "100105")
    assert sorted(a["name"] for a in found["assets"]) == ["W12-00004", "W12-00012"]


def test_nothing_known_forgets_the_person_unless_it_is_shaped_like_a_tag(desk):
    card = post(desk, "/desk/loans/check-out", {"scan": "john.doe", "person": "li.wei"})
    assert card.status_code == 404 and card.get_json()["error"]["clears_person"] is True
    tag = post(desk, "/desk/loans/check-out", {"scan": "W12-09999", "person": "li.wei"})
    assert tag.status_code == 404 and tag.get_json()["error"]["clears_person"] is False


def test_a_device_without_a_person_is_refused_and_stays_where_it_is(desk):
    answer = post(desk, "/desk/loans/check-out", {"scan": "W12-00002", "person": None})
    error = answer.get_json()["error"]
    assert (answer.status_code, error["code"]) == (409, "person_needed")
    assert error["message"] == "scan the person first: W12-00002 was not checked out"


def test_refusals_are_in_the_desk_s_words(desk):
    held = post(desk, "/desk/loans/check-out", {"scan": "W12-00003", "person": "li.wei"})
    assert held.get_json()["error"]["message"] == (
        "W12-00003 is with amara.okafor: check it in first"
    )
    assert post(desk, "/desk/loans/check-in", {"scan": "W12-00002"}).get_json()["error"][
        "message"
    ] == ("W12-00002 was already checked in")


def test_a_damage_without_damaged_is_a_damaged_check_in(desk):
    answer = post(desk, "/desk/loans/check-in", {"scan": "W12-00003", "damages": ["keyboard"]})
    assert answer.status_code == 200 and answer.get_json()["loan"]["condition"] == "damaged"


def test_a_student_id_checks_out_through_the_api_too(client):
    from tests.web.conftest import bearer

    done = client.post(
        "/api/v1/assets/2/check-out", json={"person": "100108"}, headers=bearer("operator")
    )
    assert done.status_code == 200 and done.get_json()["person"]["name"] == "sofia.rossi"
