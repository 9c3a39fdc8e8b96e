"""Intake, tag issues and manual check-ins while RT cannot be reached, through the API on the
demo: 202 with the operation and the reserved tag, the label's answer, and the replay job
that makes each asset once when RT answers again."""

from __future__ import annotations

import uuid

import attrs
from tests.web.conftest import bearer, sign_in
from tests.web.outbox.conftest import build_app
from tests.web.outbox.test_outbox_web import replay

from rtutils_core.assets import AssetDraft, AssetQuery

DEVICE = {
    "catalog": "Student Devices",
    "serial": "5CD9000OFF",
    "manufacturer": "hp",
    "model": "Chromebook 11 G9 EE",
    "type": "Chromebook",
    "funding_source": "Title I",
}


def receive(client, body=None, key=None):
    headers = {**bearer("operator"), "Idempotency-Key": key or str(uuid.uuid4())}
    return client.post("/api/v1/assets", json=body or DEVICE, headers=headers)


def with_serial(rt, serial):
    return list(rt.backend.iter_assets(AssetQuery(custom_fields={"Serial Number": serial})))


def test_a_device_received_while_rt_is_away_is_202_with_its_tag_and_made_once_at_replay(
    client, app, rt
):
    rt.away = True
    key = str(uuid.uuid4())
    answer = receive(client, key=key)
    assert answer.status_code == 202, answer.get_json()
    body = answer.get_json()
    assert (body["queued"], body["action"], body["position"], body["waiting"]) == (
        True, "intake-create", 1, 1
    )  # fmt: skip
    assert body["tag"].startswith("W12-") and body["internal_name"] and body["asset_id"] < 0
    assert body["label_now"] is False
    assert body["label"] == f"the label of {body['tag']} prints when the asset exists in RT"
    again = receive(client, key=key).get_json()
    assert again["repeated"] and again["operation_id"] == body["operation_id"]
    duplicate = receive(client)  # the same serial, another key: received here already
    assert duplicate.status_code == 409
    assert duplicate.get_json()["error"]["code"] == "duplicate_serial"
    listed = client.get("/api/v1/outbox", headers=bearer("operator")).get_json()
    [op] = listed["operations"]
    assert (op["kind"], op["tag"], op["details"]["device"]["serial"]) == (
        "intake-create", body["tag"], DEVICE["serial"]
    )  # fmt: skip
    sign_in(client, "operator")
    page = client.get("/outbox").get_data(as_text=True)
    assert DEVICE["serial"] in page and "(new)" in page  # no link to an asset not made yet

    rt.away = False
    assert replay(app) == {"applied": 1, "set_aside": 0, "rt_unreachable": False}
    [asset] = with_serial(rt, DEVICE["serial"])
    assert asset.name == body["tag"] and asset.cf("Manufacturer") == "HP"
    assert asset.cf("Internal Name") == body["internal_name"]
    done = client.get(f"/api/v1/outbox/{body['operation_id']}", headers=bearer("operator"))
    assert done.get_json()["result"]["asset_id"] == asset.id


def test_with_qr_target_service_the_label_can_be_printed_at_once(web_settings, rt):
    settings = attrs.evolve(web_settings, qr_target="service", public_url="https://desk.example")
    client = build_app(settings, rt).test_client()
    rt.away = True
    body = receive(client).get_json()
    assert body["label_now"] is True and "can be printed now" in body["label"]
    label = client.get(f"/api/v1/labels/{body['tag']}.pdf", headers=bearer("operator"))
    assert label.status_code == 200 and label.mimetype == "application/pdf"
    assert client.get("/api/v1/labels/W12-99999.pdf", headers=bearer("operator")).status_code == 503


def test_with_the_qr_code_on_rt_the_label_waits_for_the_asset(client, rt):
    rt.away = True
    body = receive(client).get_json()
    label = client.get(f"/api/v1/labels/{body['tag']}.pdf", headers=bearer("operator"))
    assert label.status_code == 503


def test_a_tag_issue_while_rt_is_away_is_202_with_the_reserved_tag(client, app, rt):
    asset = rt.backend.add_asset(AssetDraft("Spare laptop", "Student Devices", status="new"))
    rt.away = True
    answer = client.post(f"/api/v1/assets/{asset.id}/tag", json={}, headers=bearer("operator"))
    assert answer.status_code == 202, answer.get_json()
    body = answer.get_json()
    assert (body["action"], body["asset_id"]) == ("tag-issue", asset.id)
    assert body["tag"].startswith("W12-") and body["tag"] in body["message"]
    rt.away = False
    assert replay(app)["applied"] == 1
    assert rt.backend.get_asset(asset.id).name == body["tag"]


def test_manual_check_ins_while_rt_is_away_are_recorded_by_the_loan_log(client, rt):
    held = client.post(
        "/api/v1/assets/2/check-out", json={"person": "amara.okafor"}, headers=bearer("operator")
    )
    assert held.status_code == 200, held.get_json()
    rt.away = True
    url = "/api/v1/students/100101/manual-checkins"
    for body in (
        {"kind": "no-device", "reason": "a spare"},
        {"kind": "lost", "reason": "bus", "asset_id": 2},
    ):
        answer = client.post(url, json=body, headers=bearer("operator"))
        assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["tag"] == rt.backend.get_asset(2).name
    other = client.post(
        url, json={"kind": "lost", "reason": "x", "asset_id": 999}, headers=bearer("operator")
    )
    assert other.status_code == 400
    assert "RT cannot be reached" in other.get_json()["error"]["message"]
