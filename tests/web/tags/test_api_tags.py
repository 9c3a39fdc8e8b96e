"""The tag API: issue tags, preview the next one, move a sequence, read the event log."""

from __future__ import annotations

import csv
import io

import pytest
from dependency_injector import providers
from tests.web.conftest import bearer

from rtutils_adapters.memory import load_demo_backend
from rtutils_core import errors as e
from rtutils_web.app import create_app
from rtutils_web.container import build_container

UNTAGGED = 13  # "Zoë's loaner" in the demo data


def issue(client, asset_id=UNTAGGED, role="operator", **kwargs):
    return client.post(f"/api/v1/assets/{asset_id}/tag", headers=bearer(role), **kwargs)


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_issuing_writes_the_next_tag_and_says_assigned(client):
    expected = client.get("/api/v1/tags/next", headers=bearer("viewer")).get_json()
    assert expected == {"next_tag": "W12-00017", "prefix": "W12-"}  # the demo carries 1..16
    response = issue(client)
    assert response.status_code == 201
    assert response.get_json() == {"asset_id": 13, "tag": "W12-00017", "status": "assigned"}
    asset = client.get("/api/v1/assets/13", headers=bearer("viewer")).get_json()
    assert asset["name"] == asset["tag"] == "W12-00017"
    assert client.get("/api/v1/tags/next", headers=bearer("viewer")).get_json()["next_tag"] == (
        "W12-00018"
    )


def test_issuing_again_returns_the_same_tag_as_already_tagged(client):
    first = issue(client).get_json()["tag"]
    again = issue(client)
    assert again.status_code == 200
    assert again.get_json() == {"asset_id": 13, "tag": first, "status": "already-tagged"}
    assert issue(client, 3).get_json() == {
        "asset_id": 3,
        "tag": "W12-00003",
        "status": "already-tagged",
    }


def test_a_configured_extra_prefix_has_its_own_sequence(client):
    response = issue(client, 14, json={"prefix": "TEST-"})
    assert response.status_code == 201 and response.get_json()["tag"] == "TEST-00001"
    other = issue(client, 14, json={"prefix": "W12-"})
    assert other.status_code == 409 and error_code(other) == "tag_conflict"


@pytest.mark.parametrize(
    ("kwargs", "status", "words"),
    [
        ({"json": {"prefix": "NOPE-"}}, 400, "'NOPE-' is not configured"),
        ({"json": {"prefx": "W12-"}}, 400, "extra fields found (prefx)"),
        ({"json": {"prefix": 12}}, 400, "expected str"),
        ({"json": ["W12-"]}, 400, "must be a JSON object"),
        ({"data": "prefix=W12-"}, 415, "application/json"),
        ({"data": "{not json", "content_type": "application/json"}, 400, ""),
    ],
)
def test_bad_issue_requests_change_nothing(client, kwargs, status, words):
    response = issue(client, **kwargs)
    assert response.status_code == status
    assert words in response.get_json()["error"]["message"]
    events = client.get("/api/v1/tags/events?asset_id=13", headers=bearer("viewer")).get_json()
    assert events["count"] == 0


def test_issuing_to_a_missing_asset_is_404(client):
    assert error_code(issue(client, 999)) == "asset_not_found"
    assert issue(client, "abc").status_code == 400


class FlakyBackend:
    """The demo backend, but the first Name write fails as if RT were down."""

    def __init__(self) -> None:
        self.base = load_demo_backend()
        self.failures = 1

    def __getattr__(self, name):
        return getattr(self.base, name)

    def update_asset(self, asset_id, changes, if_version=None):
        if self.failures:
            self.failures -= 1
            raise e.BackendUnavailable("RT at https://rt.example.org did not answer")
        return self.base.update_asset(asset_id, changes, if_version)


def test_rt_down_while_issuing_is_503_and_the_retry_gets_the_same_tag(web_settings):
    container = build_container(web_settings)
    container.backend.override(providers.Object(FlakyBackend()))
    client = create_app(container=container).test_client()
    failed = issue(client)
    assert failed.status_code == 503 and error_code(failed) == "backend_unavailable"
    message = failed.get_json()["error"]["message"]
    assert "W12-00017" in message and "issue again" in message
    retried = issue(client)
    assert retried.status_code == 201
    assert retried.get_json()["tag"] == "W12-00017"
    states = [
        ev["state"]
        for ev in client.get(
            "/api/v1/tags/events?asset_id=13", headers=bearer("viewer")
        ).get_json()["events"]
    ]
    assert states == ["assigned", "failed", "reserved"]  # newest first, one number only


def test_issuing_needs_the_operator_role(client):
    response = issue(client, role="viewer")
    assert response.status_code == 403 and "operator" in response.get_json()["error"]["message"]


def test_the_event_log_tells_who_did_what_with_which_request(client):
    response = issue(client)
    events = client.get("/api/v1/tags/events?tag=W12-00017", headers=bearer("viewer")).get_json()
    assert [ev["state"] for ev in events["events"]] == ["assigned", "reserved"]
    newest = events["events"][0]
    assert newest["asset_id"] == 13 and newest["actor"] == "operator-user"
    assert newest["request_id"] == response.headers["X-Request-ID"]
    assert newest["at"].endswith("Z")


def test_event_filters(client):
    issue(client)
    issue(client, 14)
    url = "/api/v1/tags/events"
    by_asset = client.get(f"{url}?asset_id=14", headers=bearer("viewer")).get_json()
    assert {ev["asset_id"] for ev in by_asset["events"]} == {14}
    limited = client.get(f"{url}?limit=1", headers=bearer("viewer")).get_json()
    assert limited["count"] == 1
    future = client.get(f"{url}?since=2999-01-01T00:00:00Z", headers=bearer("viewer"))
    assert future.get_json()["count"] == 0
    past = client.get(f"{url}?until=2000-01-01T00:00:00%2B02:00", headers=bearer("viewer"))
    assert past.get_json()["count"] == 0


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=5000", "asset_id=x", "since=yesterday", "tag=W12-1", "colour=red"],
)
def test_bad_event_filters_are_400(client, query):
    response = client.get(f"/api/v1/tags/events?{query}", headers=bearer("viewer"))
    assert response.status_code == 400


def test_the_csv_export_has_a_header_and_one_row_per_event(client):
    issue(client)
    response = client.get("/api/v1/tags/events.csv?asset_id=13", headers=bearer("viewer"))
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [r["state"] for r in rows] == ["assigned", "reserved"]
    assert rows[0]["tag"] == "W12-00017" and rows[0]["actor"] == "operator-user"
    limited = client.get("/api/v1/tags/events.csv?limit=1", headers=bearer("viewer"))
    assert limited.status_code == 400  # the export is the whole filtered log


def put_sequence(client, body, role="admin"):
    return client.put("/api/v1/tags/sequence", json=body, headers=bearer(role))


def test_an_admin_moves_a_sequence_forward(client):
    response = put_sequence(client, {"next": 500})
    assert response.status_code == 200
    assert response.get_json() == {"prefix": "W12-", "next_tag": "W12-00500"}
    assert issue(client).get_json()["tag"] == "W12-00500"
    log = client.get("/api/v1/tags/events?limit=5", headers=bearer("viewer")).get_json()
    assert "sequence-set" in [ev["state"] for ev in log["events"]]


def test_going_back_below_an_existing_tag_needs_force(client):
    refused = put_sequence(client, {"next": 3})
    assert refused.status_code == 409 and error_code(refused) == "tag_conflict"
    assert "W12-00017" in refused.get_json()["error"]["message"]
    forced = put_sequence(client, {"prefix": "W12-", "next": 3, "force": True})
    assert forced.status_code == 200


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "required field missing @ body.next"),
        ({"next": "500"}, "expected int"),
        ({"next": 0}, "body.next must be at least 1"),
        ({"next": 100000}, "outside 1..99999"),
        ({"next": 5, "force": "yes"}, "expected bool"),
        ({"next": 5, "prefix": "NOPE-"}, "not configured"),
    ],
)
def test_bad_sequence_requests_are_400(client, body, words):
    response = put_sequence(client, body)
    assert response.status_code == 400
    assert words in response.get_json()["error"]["message"]


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_moving_a_sequence_is_for_admins(client, role):
    response = put_sequence(client, {"next": 500}, role=role)
    assert response.status_code == 403 and "admin" in response.get_json()["error"]["message"]
