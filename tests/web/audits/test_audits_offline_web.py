"""Audits through the API and the desk page while RT cannot be reached (the demo behind a
backend the test makes unreachable): scans are kept (202 when they wait for RT), the audit
and its CSV are read from the store, finishing waits for RT, starting says RT is needed."""

from __future__ import annotations

import pytest
from dependency_injector import providers
from tests.unit.outbox.outbox_world import AwayBackend
from tests.web.audits.test_api_audits import in_room, start_room
from tests.web.conftest import bearer, csrf_token, sign_in

from rtutils_adapters.memory import load_demo_backend
from rtutils_web.app import create_app
from rtutils_web.container import build_container

OP = bearer("operator")


@pytest.fixture
def rt(web_settings):
    return AwayBackend(load_demo_backend())


@pytest.fixture
def clock():
    """The outbox's monotonic clock, moved by the test (RT is tried again after a wait)."""
    return [1000.0]


@pytest.fixture
def app(web_settings, rt, clock):
    container = build_container(web_settings)
    container.base.backend.override(providers.Object(rt))
    built = create_app(container=container)
    container.jobs.job_service()
    container.outbox.outbox_service().monotonic = lambda: clock[0]
    return built


def back_again(rt, clock) -> None:
    """RT answers again, and the wait after it was found unreachable is over."""
    rt.away = False
    clock[0] += 3600


def scan(client, audit_id: int, text: str):
    return client.post(f"/api/v1/audits/{audit_id}/scans", json={"scan": text}, headers=OP)


def test_an_audit_goes_on_while_rt_is_away_and_is_settled_when_it_answers(client, app, rt, clock):
    audit_id = start_room(client)["id"]
    here = in_room(app)
    rt.away = True
    present = scan(client, audit_id, here[0])
    assert present.status_code == 200 and present.get_json()["outcome"] == "present"
    waiting = scan(client, audit_id, "W12-00001")
    assert waiting.status_code == 202, waiting.get_json()
    body = waiting.get_json()
    assert (body["outcome"], body["counts"]["pending"]) == ("pending", 1)
    assert body["scan"]["reason"] == "RT unreachable: classified when RT answers"
    assert scan(client, audit_id, "W12-00001").get_json()["repeat"] is True

    read = client.get(f"/api/v1/audits/{audit_id}", headers=OP)
    assert read.status_code == 200 and read.get_json()["audit"]["counts"]["pending"] == 1
    assert [s["text"] for s in read.get_json()["pending"]] == ["W12-00001"]
    table = client.get(f"/api/v1/audits/{audit_id}.csv", headers=OP)
    assert table.status_code == 200 and "pending,,,,,,W12-00001" in table.text
    refused = client.post(f"/api/v1/audits/{audit_id}/finish", headers=OP)
    assert refused.status_code == 409, refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == "audit_scans_pending" and "1 scan that RT" in error["message"]

    back_again(rt, clock)
    settled = client.get(f"/api/v1/audits/{audit_id}", headers=OP).get_json()
    assert settled["audit"]["counts"]["pending"] == 0
    assert [s["text"] for s in settled["unexpected"]] == ["W12-00001"]
    assert client.post(f"/api/v1/audits/{audit_id}/finish", headers=OP).status_code == 202


def test_starting_an_audit_while_rt_is_away_is_503_saying_so(client, rt):
    rt.away = True
    answer = client.post(
        "/api/v1/audits", json={"name": "Room 101", "kind": "location", "value": "Room 101"},
        headers=OP,
    )  # fmt: skip
    assert answer.status_code == 503
    assert "RT cannot be reached" in answer.get_json()["error"]["message"]


def test_the_desk_page_marks_what_waits_and_takes_scans(client, app, rt, clock):
    audit_id = start_room(client)["id"]
    rt.away = True
    sign_in(client, "operator")
    page = client.get(f"/audits/{audit_id}")
    token = csrf_token(client, f"/audits/{audit_id}")
    sent = client.post(
        f"/desk/audits/{audit_id}/scan", json={"scan": "W12-00001", "desk": "desk 1"},
        headers={"X-CSRFToken": token},
    )  # fmt: skip
    assert sent.status_code == 202 and sent.get_json()["outcome"] == "pending"
    page = client.get(f"/audits/{audit_id}")
    assert page.status_code == 200
    assert "RT unreachable: <span" in page.text and 'id="pending"' in page.text
    finished = client.post(
        f"/audits/{audit_id}/finish", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Not finished" in finished.text and "RT cannot be reached" in finished.text
    started = client.post(
        "/audits",
        data={"csrf_token": token, "name": "Room 102", "kind": "location", "value": "Room 102"},
        follow_redirects=True,
    )
    assert started.status_code == 200 and "Not started: RT cannot be reached" in started.text


def test_the_resolve_job_classifies_what_waited(client, app, rt, clock):
    audit_id = start_room(client)["id"]
    rt.away = True
    scan(client, audit_id, "W12-99999")
    jobs = app.extensions["rtutils"].jobs.job_service()
    assert [s.kind for s in jobs.schedules if s.when and s.when()] == ["audit-resolve"]
    back_again(rt, clock)
    job = jobs.run_here("audit-resolve", worker="test")
    assert job.state == "succeeded" and job.result == {"audits": 1, "pending": 0}
    [unknown] = client.get(f"/api/v1/audits/{audit_id}", headers=OP).get_json()["unknown"]
    assert unknown["text"] == "W12-99999"
