"""Audits through the API on the demo data: start, scan, read (a viewer: counts only), CSV,
finish with the Last Audited job, bulk actions, overdue; bad input is a 400 naming it."""

from __future__ import annotations

import csv
import io

import pytest
from tests.web.conftest import bearer

from rtutils_core.assets import AssetQuery

OP, VIEWER = bearer("operator"), bearer("viewer")


@pytest.fixture
def room(client):
    return start_room(client)


def start_room(client) -> dict:
    """An audit of Room 101, as the API answered its start."""
    started = client.post(
        "/api/v1/audits",
        json={"name": "Room 101", "kind": "location", "value": "Room 101"},
        headers=OP,
    )
    assert started.status_code == 201, started.get_json()
    return started.get_json()


def scan(client, audit_id: int, text: str, desk: str = "desk 1"):
    answer = client.post(
        f"/api/v1/audits/{audit_id}/scans", json={"scan": text, "desk": desk}, headers=OP
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def in_room(app) -> list[str]:
    backend = app.extensions["rtutils"].backend()
    query = AssetQuery(custom_fields={"Location": "Room 101"})
    return [a.name for a in backend.iter_assets(query)]


def test_an_audit_from_start_to_finish(client, app, room):
    tags = in_room(app)
    assert room["counts"] == {
        "expected": len(tags),
        "present": 0,
        "missing": len(tags),
        "unexpected": 0,
        "unknown": 0,
        "pending": 0,
    }
    assert scan(client, room["id"], tags[0])["outcome"] == "present"
    again = scan(client, room["id"], tags[0], desk="desk 2")
    assert again["repeat"] and again["scan"]["desk"] == "desk 1"
    elsewhere = scan(client, room["id"], "W12-00001")
    assert elsewhere["outcome"] == "unexpected" and "Library" in elsewhere["scan"]["reason"]
    assert scan(client, room["id"], "W12-99999")["outcome"] == "unknown"
    assert (
        client.post(
            f"/api/v1/audits/{room['id']}/scans", json={"scan": "li.wei"}, headers=OP
        ).status_code
        == 409
    )

    seen = client.get(f"/api/v1/audits/{room['id']}", headers=OP).get_json()
    assert [d["tag"] for d in seen["present"]] == [tags[0]]
    assert len(seen["missing"]) == len(tags) - 1
    counts_only = client.get(f"/api/v1/audits/{room['id']}", headers=VIEWER).get_json()
    assert set(counts_only) == {"audit", "models"}
    assert counts_only["audit"]["counts"] == seen["audit"]["counts"]
    assert client.get(f"/api/v1/audits/{room['id']}.csv", headers=VIEWER).status_code == 403
    table = client.get(f"/api/v1/audits/{room['id']}.csv", headers=OP).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["result"] for r in rows].count("missing") == len(tags) - 1
    assert {r["result"] for r in rows} == {"present", "missing", "unexpected", "unknown"}

    finished = client.post(f"/api/v1/audits/{room['id']}/finish", headers=OP)
    assert finished.status_code == 202
    job = client.get(finished.headers["Location"], headers=OP).get_json()
    assert job["kind"] == "audit-write"
    assert (
        client.post(
            f"/api/v1/audits/{room['id']}/scans", json={"scan": tags[1]}, headers=OP
        ).status_code
        == 409
    )


def test_lost_and_moved_in_bulk_after_finishing(client, app, room):
    tags = in_room(app)
    backend = app.extensions["rtutils"].backend()
    ids = {a.name: a.id for a in backend.iter_assets(AssetQuery(names=tags + ["W12-00001"]))}
    scan(client, room["id"], tags[0])
    scan(client, room["id"], "W12-00001")
    early = client.post(
        f"/api/v1/audits/{room['id']}/lost",
        json={"asset_ids": [ids[tags[1]]], "comment": "gone"},
        headers=OP,
    )
    assert early.status_code == 409
    client.post(f"/api/v1/audits/{room['id']}/finish", headers=OP)
    lost = client.post(
        f"/api/v1/audits/{room['id']}/lost",
        json={"asset_ids": [ids[tags[1]], ids[tags[0]]], "comment": "not in the room"},
        headers=OP,
    ).get_json()
    assert lost["done"] == 1 and [i["ok"] for i in lost["items"]] == [True, False]
    assert backend.get_asset(ids[tags[1]]).status == "stolen"
    moved = client.post(
        f"/api/v1/audits/{room['id']}/move", json={"asset_ids": [ids["W12-00001"]]}, headers=OP
    ).get_json()
    assert moved["done"] == 1
    assert backend.get_asset(ids["W12-00001"]).cf("Location") == "Room 101"
    log = client.get(f"/api/v1/audits/{room['id']}", headers=OP).get_json()["actions"]
    assert [(a["kind"], a["comment"]) for a in log] == [("lost", "not in the room"), ("moved", "")]


def test_the_list_and_the_overdue_devices(client, room):
    listed = client.get("/api/v1/audits", headers=VIEWER).get_json()
    assert [a["name"] for a in listed["audits"]] == ["Room 101"]
    overdue = client.get("/api/v1/audits/overdue?catalog=Student Devices", headers=VIEWER)
    assert overdue.status_code == 200
    body = overdue.get_json()
    assert body["overdue_days"] == 365 and body["count"] > 0
    assert body["items"][0]["last_audited"] == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "x", "kind": "room", "value": "1"}, "kind"),
        ({"name": "", "kind": "location", "value": "1"}, "name"),
        ({"name": "x", "kind": "location"}, "scope a value"),
        ({"name": "x", "kind": "list", "tags": []}, "body.tags must not be empty"),
        ({"name": "x", "kind": "location", "value": "CF.{Serial}"}, "body.value must match"),
    ],
)
def test_a_bad_start_is_a_400_naming_the_problem(client, body, message):
    answer = client.post("/api/v1/audits", json=body, headers=OP)
    assert answer.status_code == 400
    assert message in answer.get_json()["error"]["message"]


def test_a_viewer_may_not_start_or_scan(client, room):
    assert (
        client.post(
            "/api/v1/audits", json={"name": "x", "kind": "location", "value": "1"}, headers=VIEWER
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/api/v1/audits/{room['id']}/scans", json={"scan": "W12-00001"}, headers=VIEWER
        ).status_code
        == 403
    )
    assert client.get("/api/v1/audits/999", headers=VIEWER).status_code == 404
