"""Receiving devices through the API, on the demo backend: create, replay, duplicate, refusals."""

from __future__ import annotations

import uuid

import pytest
from tests.web.conftest import bearer, csrf_token, sign_in

from rtutils_core.assets import AssetQuery

CATALOG = "Student Devices"
DEVICE = {
    "catalog": CATALOG,
    "serial": "5CD1234XYZ",
    "manufacturer": "hp",  # a Select choice in another case: stored as RT spells it
    "model": "Chromebook 11 G9 EE",
    "type": "Chromebook",
    "funding_source": "Title I",
}


def submit(client, body, key=None, role="operator"):
    headers = {**bearer(role), "Idempotency-Key": key or str(uuid.uuid4())}
    return client.post("/api/v1/assets", json=body, headers=headers)


def with_serial(client, serial):
    backend = client.application.extensions["rtutils"].backend()
    return list(backend.iter_assets(AssetQuery(custom_fields={"Serial Number": serial})))


def test_catalogs_and_their_fields_with_choices_for_viewers(client):
    listed = client.get("/api/v1/catalogs", headers=bearer("viewer")).get_json()["catalogs"]
    assert CATALOG in [c["name"] for c in listed]
    answer = client.get(f"/api/v1/catalogs/{CATALOG}/fields", headers=bearer("viewer"))
    fields = {f["name"]: f for f in answer.get_json()["fields"]}
    assert fields["Manufacturer"]["kind"] == "select"
    assert fields["Manufacturer"]["choices"] == ["Acer", "Dell", "HP", "Lenovo"]
    assert fields["Model"]["kind"] == "combobox" and fields["Serial Number"]["kind"] == "freeform"
    missing = client.get("/api/v1/catalogs/No Such/fields", headers=bearer("viewer"))
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "catalog_not_found"


def test_a_device_becomes_a_tagged_asset_and_a_replayed_key_answers_the_same(client):
    key = str(uuid.uuid4())
    first = submit(client, DEVICE, key)
    assert first.status_code == 201, first.get_json()
    body = first.get_json()
    asset = body["asset"]
    assert asset["name"] == body["tag"] and body["tag"].startswith("W12-")
    assert asset["custom_fields"]["Manufacturer"] == "HP"
    assert asset["custom_fields"]["Serial Number"] == DEVICE["serial"]
    assert asset["custom_fields"]["Internal Name"] == body["internal_name"] != ""
    assert asset["rt_url"].endswith(f"id={asset['id']}")
    again = submit(client, DEVICE, key)
    assert again.status_code == 200 and again.get_json() == body
    assert [a.id for a in with_serial(client, DEVICE["serial"])] == [asset["id"]]
    # The same serial under a new key names the asset that has it; nothing is created.
    duplicate = submit(client, {**DEVICE, "model": "another"})
    assert duplicate.status_code == 409
    error = duplicate.get_json()["error"]
    assert error["code"] == "duplicate_serial"
    assert (error["asset_id"], error["tag"]) == (asset["id"], body["tag"])
    # The key again with another device: refused, naming the key.
    reused = submit(client, {**DEVICE, "serial": "OTHER-1"}, key)
    assert reused.status_code == 422
    assert reused.get_json()["error"]["code"] == "idempotency_key_reused"
    assert key in reused.get_json()["error"]["message"]
    assert with_serial(client, "OTHER-1") == []


def test_a_given_internal_name_and_an_extra_prefix(client):
    body = {**DEVICE, "serial": "NXH77", "internal_name": "Blue Heron", "prefix": "TEST-"}
    answer = submit(client, body).get_json()
    assert answer["tag"].startswith("TEST-") and answer["internal_name"] == "Blue Heron"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"serial": "5CD 1234"}, "serial"),
        ({"serial": ""}, "serial"),
        ({"serial": "X" * 65}, "serial"),
        ({"manufacturer": "Apple"}, "manufacturer"),
        ({"funding_source": " "}, "funding_source"),
        ({"catalog": "No Such"}, "catalog"),
        ({"prefix": "ZZ-"}, "prefix"),
    ],
)
def test_bad_fields_are_400_naming_the_field_and_create_nothing(client, change, field):
    backend = client.application.extensions["rtutils"].backend()
    before = len(list(backend.iter_assets(AssetQuery())))
    answer = submit(client, {**DEVICE, "serial": "FRESH-1", **change})
    assert answer.status_code == 400
    assert answer.get_json()["error"]["field"] == field
    assert len(list(backend.iter_assets(AssetQuery()))) == before


def test_a_body_or_key_that_is_not_right_is_400(client):
    no_key = client.post("/api/v1/assets", json=DEVICE, headers=bearer("operator"))
    assert no_key.status_code == 400
    assert no_key.get_json()["error"]["field"] == "Idempotency-Key"
    unknown = submit(client, {**DEVICE, "colour": "red"})
    assert unknown.status_code == 400 and "colour" in unknown.get_json()["error"]["message"]
    missing = submit(client, {k: v for k, v in DEVICE.items() if k != "model"})
    assert missing.status_code == 400 and "model" in missing.get_json()["error"]["message"]


def test_receiving_needs_the_operator_role(client):
    assert submit(client, DEVICE, role="viewer").status_code == 403
    assert client.get("/api/v1/catalogs").status_code == 401


def test_the_desk_page_sends_with_its_session_and_csrf_token(client):
    sign_in(client, "operator")
    page = client.get("/intake")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "intake/desk.js" in html and f'value="{CATALOG}"' in html
    assert "printing.js" in html  # the printer chooser and print jobs of every desk page
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    # The cookie alone never writes through the API; with the page's CSRF token it does.
    assert client.post("/api/v1/assets", json=DEVICE, headers=headers).status_code == 401
    forged = client.post("/api/v1/assets", json=DEVICE, headers={**headers, "X-CSRFToken": "x"})
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "csrf_failed"
    token = csrf_token(client, "/intake")
    sent = client.post("/api/v1/assets", json=DEVICE, headers={**headers, "X-CSRFToken": token})
    assert sent.status_code == 201, sent.get_json()


def test_the_desk_page_is_for_operators(client):
    sign_in(client, "viewer")
    assert client.get("/intake").status_code == 403
    assert "/intake" not in client.get("/").get_data(as_text=True)


def test_the_openapi_document_has_both_methods_of_the_assets_path(client):
    paths = client.get("/api/v1/openapi.json", headers=bearer("viewer")).get_json()["paths"]
    assert set(paths["/api/v1/assets"]) == {"get", "post"}
    assert "/api/v1/catalogs/{name}/fields" in paths


def test_an_idempotency_key_is_its_caller_s_own(client):
    key = str(uuid.uuid4())
    first = submit(client, DEVICE, key, role="operator")
    assert first.status_code == 201, first.get_json()
    other = submit(client, DEVICE, key, role="admin")  # another caller, the same key and body
    assert other.status_code == 409  # not the operator's answer: the serial is taken
    assert other.get_json()["error"]["code"] == "duplicate_serial"
    assert other.get_json()["error"]["asset_id"] == first.get_json()["asset"]["id"]
    fresh = submit(client, {**DEVICE, "serial": "5CD1234XZZ"}, key, role="admin")
    assert fresh.status_code == 201  # the admin's own key, unused until now
    again = submit(client, DEVICE, key, role="operator")
    assert again.status_code == 200 and again.get_json() == first.get_json()
