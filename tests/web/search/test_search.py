"""The search box and ``GET /api/v1/search``: devices for everyone, people for operators;
the look-up takes serials, internal names and student ids; the asset page checks out and in."""

from __future__ import annotations

from tests.web.conftest import bearer, csrf_token


def test_the_search_finds_devices_by_serial_internal_name_and_name_start(client):
    for q, name in (("NXH0023757ZA", "W12-00003"), ("CB-GYM-03", "W12-00003")):
        found = client.get("/api/v1/search", query_string={"q": q}, headers=bearer("viewer"))
        assert [d["name"] for d in found.get_json()["devices"]] == [name]
    carts = client.get("/api/v1/search?q=Library%20cart", headers=bearer("viewer")).get_json()
    assert [d["name"] for d in carts["devices"]] == ["Library cart A1", "Library cart A2"]


def test_a_viewer_gets_no_person_data_an_operator_does(client):
    viewer = client.get("/api/v1/search?q=100108", headers=bearer("viewer")).get_json()
    assert (viewer["people"], viewer["people_shown"]) == ([], False)
    cart = client.get("/api/v1/search?q=Library%20cart%20A1", headers=bearer("viewer")).get_json()
    assert cart["devices"][0]["holders"] is None
    operator = client.get("/api/v1/search?q=100108", headers=bearer("operator")).get_json()
    assert [(p["name"], p["student_id"]) for p in operator["people"]] == [("sofia.rossi", "100108")]
    cart = client.get("/api/v1/search?q=Library%20cart%20A1", headers=bearer("operator"))
    assert cart.get_json()["devices"][0]["holders"] == ["zoe.muller"]


def test_a_search_without_text_or_with_control_characters_is_refused_by_name(client):
    for q in ("", "   ", "W12\x01"):
        answer = client.get("/api/v1/search", query_string={"q": q}, headers=bearer("viewer"))
        assert answer.status_code == 400
        assert "scan" in answer.get_json()["error"]["message"]


def test_the_look_up_opens_a_device_by_serial_and_a_student_id_lists_the_student(desk):
    assert desk.get("/lookup?tag=CB-GYM-03").headers["Location"].endswith("/assets/3")
    to_search = desk.get("/lookup?tag=100108")
    assert "/search?q=100108" in to_search.headers["Location"]
    page = desk.get("/search?q=100108").get_data(as_text=True)
    assert "Sofia Rossi" in page and "student id" in page


def test_the_asset_page_checks_out_to_a_student_id_and_in_with_its_history(desk):
    token = csrf_token(desk, "/assets/2")
    out = desk.post("/desk/assets/2/check-out", data={"person": "100105", "csrf_token": token})
    assert out.headers["Location"].endswith("/assets/2")
    page = desk.get("/assets/2").get_data(as_text=True)
    assert "Checked out to Jose Garcia (jose.garcia)." in page
    assert "check-out" in page and "jose.garcia" in page
    back = desk.post(
        "/desk/assets/2/check-in",
        data={"damages": "broken screen", "note": "cracked", "csrf_token": token},
    )
    assert back.status_code == 302
    page = desk.get("/assets/2").get_data(as_text=True)
    assert "Checked in from jose.garcia (damaged); repair ticket #" in page
    assert "/Ticket/Display.html?id=" in page


def test_the_asset_page_hides_holders_from_a_viewer(client):
    from tests.web.conftest import sign_in

    sign_in(client, "viewer")
    page = client.get("/assets/16").get_data(as_text=True)
    assert "zoe.muller" not in page and "Check out" not in page


def test_a_viewer_s_look_up_does_not_tell_a_person_from_nothing(client):
    from tests.web.conftest import sign_in

    sign_in(client, "viewer")
    person = client.get("/lookup?tag=100108")
    nothing = client.get("/lookup?tag=100199")
    assert person.status_code == nothing.status_code == 400
    assert "is not a tag of the form" in person.get_data(as_text=True)
