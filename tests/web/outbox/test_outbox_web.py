"""The desk while RT cannot be reached, through the API and the desk calls on the demo: 202
with the operation's place, the outbox listed and settled, health that stays up, and the
replay job that empties it when RT answers again."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from tests.web.conftest import bearer, csrf_token, sign_in
from tests.web.loans.test_pages_loans import desk_token


def out(client, asset_id: int, role: str = "operator", key: str | None = None, **body):
    headers = {**bearer(role), **({"Idempotency-Key": key} if key else {})}
    return client.post(f"/api/v1/assets/{asset_id}/check-out", json=body, headers=headers)


def back(client, asset_id: int, role: str = "operator", **body):
    return client.post(f"/api/v1/assets/{asset_id}/check-in", json=body, headers=bearer(role))


def replay(app) -> dict:
    job = app.extensions["rtutils"].jobs.job_service().run_here("outbox-replay", worker="test")
    assert job.state == "succeeded", job.error
    return job.result


def test_writes_while_rt_is_away_are_202_with_their_place_and_listed_for_operators(client, rt):
    rt.away = True
    first = out(client, 2, person="li.wei", key="k-1")
    assert first.status_code == 202, first.get_json()
    body = first.get_json()
    assert (body["queued"], body["action"], body["position"], body["waiting"]) == (
        True, "check-out", 1, 1
    )  # fmt: skip
    assert "RT cannot be reached" in body["message"]
    second = back(client, 3, condition="damaged", damages=["keyboard"])
    assert second.status_code == 202 and second.get_json()["position"] == 2
    listed = client.get("/api/v1/outbox", headers=bearer("operator")).get_json()
    assert (listed["rt"], listed["waiting"], listed["needs_attention"]) == ("unreachable", 2, 0)
    assert [(o["kind"], o["asset_id"], o["position"]) for o in listed["operations"]] == [
        ("check-out", 2, 1),
        ("check-in", 3, 2),
    ]
    assert listed["operations"][0]["details"]["person"] == "li.wei"
    assert client.get("/api/v1/outbox", headers=bearer("viewer")).status_code == 403


def test_health_stays_up_and_says_rt_is_unreachable_with_the_outbox_depth(client, rt):
    rt.away = True
    out(client, 2, person="li.wei")
    health = client.get("/healthz")
    assert health.status_code == 200
    body = health.get_json()
    assert (body["status"], body["rt"], body["outbox"]["waiting"]) == ("ok", "unreachable", 1)
    assert body["outbox"]["oldest_seconds"] >= 0 and "warning" not in body["outbox"]


def test_the_replay_job_sends_the_outbox_to_rt_once_it_answers(client, app, rt):
    rt.away = True
    queued = out(client, 2, person="li.wei").get_json()
    back(client, 3)
    assert replay(app)["rt_unreachable"] is True
    rt.away = False
    assert replay(app) == {"applied": 2, "set_aside": 0, "rt_unreachable": False}
    done = client.get(f"/api/v1/outbox/{queued['operation_id']}", headers=bearer("operator"))
    assert done.get_json()["state"] == "done"
    assert done.get_json()["result"]["outcome"] == "checked-out"
    assert rt.backend.get_asset(2).owner == "li.wei" and rt.backend.get_asset(3).owner is None
    assert client.get("/api/v1/outbox", headers=bearer("operator")).get_json()["operations"] == []


def test_a_conflict_needs_attention_and_only_an_admin_forces_it(client, app, rt):
    rt.away = True
    queued = out(client, 2, person="li.wei").get_json()["operation_id"]
    rt.away = False
    amara = rt.backend.get_user("amara.okafor")
    rt.backend.write_loan(2, "Owner", amara, "in-use", if_version=rt.backend.get_asset(2).version)
    client.get("/healthz")
    replay(app)
    stuck = client.get(f"/api/v1/outbox/{queued}", headers=bearer("operator")).get_json()
    assert stuck["state"] == "needs-attention" and "amara.okafor" in stuck["reason"]
    assert (
        client.post(f"/api/v1/outbox/{queued}/force", headers=bearer("operator")).status_code == 403
    )
    forced = client.post(f"/api/v1/outbox/{queued}/force", headers=bearer("admin"))
    assert forced.status_code == 200 and forced.get_json()["state"] == "queued"
    assert forced.get_json()["settled_by"] == "admin-user"
    replay(app)
    assert rt.backend.get_asset(2).owner == "li.wei"
    again = client.post(f"/api/v1/outbox/{queued}/retry", headers=bearer("operator"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "outbox_conflict"
    missing = client.post("/api/v1/outbox/999/drop", headers=bearer("operator"))
    assert missing.status_code == 404


def test_the_same_key_is_the_same_operation_and_another_body_under_it_is_refused(client, rt):
    rt.away = True
    first = out(client, 2, person="li.wei", key="scan-1").get_json()
    again = out(client, 2, person="li.wei", key="scan-1")
    assert again.status_code == 202 and again.get_json()["repeated"]
    assert again.get_json()["operation_id"] == first["operation_id"]
    other = out(client, 2, person="amara.okafor", key="scan-1")
    assert (
        other.status_code == 422 and other.get_json()["error"]["code"] == "idempotency_key_reused"
    )


def test_the_desk_scans_a_known_tag_and_a_student_card_while_rt_is_away(client, rt):
    sign_in(client, "operator")
    headers = {"X-CSRFToken": desk_token(client)}
    seen = client.post("/desk/loans/check-in", json={"scan": "W12-00003"}, headers=headers)
    assert seen.status_code == 200  # RT answered: checked in, and the device is remembered
    rt.away = True
    refused = rt.refused
    queued = client.post(
        "/desk/loans/check-out", json={"scan": "W12-00003", "person": "li.wei"}, headers=headers
    )
    assert queued.status_code == 202, queued.get_json()
    assert (queued.get_json()["kind"], queued.get_json()["tag"]) == ("device", "W12-00003")
    card = client.post("/desk/loans/check-in", json={"scan": "100106"}, headers=headers)
    body = card.get_json()
    assert (card.status_code, body["kind"], body["person"]["name"]) == (200, "person", "li.wei")
    assert body["last_known"] and "W12-00003" in [a["name"] for a in body["assets"]]
    assert rt.refused == refused + 1, "RT was asked again while it was known to be away"
    unknown = client.post("/desk/loans/check-in", json={"scan": "W12-00099"}, headers=headers)
    assert (
        unknown.status_code == 404
        and "has not seen a device" in unknown.get_json()["error"]["message"]
    )
    depth = client.get("/desk/outbox").get_json()
    assert (depth["rt"], depth["waiting"]) == ("unreachable", 1)
    page = client.get("/desk/check-out").get_data(as_text=True)
    assert 'id="outbox-banner"' in page and "RT unreachable" in page
    assert "hidden" not in page.split('id="outbox-banner"')[1].split(">")[0]


def test_the_outbox_page_lists_what_waits_and_settles_it(client, rt):
    rt.away = True
    queued = out(client, 2, person="li.wei").get_json()["operation_id"]
    sign_in(client, "operator")
    page = client.get("/outbox").get_data(as_text=True)
    assert f'data-operation="{queued}"' in page and "check-out to li.wei" in page
    token = csrf_token(client, "/outbox")
    dropped = client.post(f"/outbox/{queued}/drop", data={"csrf_token": token})
    assert dropped.status_code == 302
    assert (
        client.get(f"/api/v1/outbox/{queued}", headers=bearer("operator")).get_json()["state"]
        == "dropped"
    )
    assert client.post(f"/outbox/{queued}/force", data={"csrf_token": token}).status_code == 403


def test_look_ups_while_rt_is_away_answer_the_asset_as_last_seen_and_say_so(client, rt):
    live = client.get("/api/v1/assets/by-tag/W12-00003", headers=bearer("operator"))
    assert live.status_code == 200 and live.get_json()["last_known"] is None
    rt.away = True
    for url in ("/api/v1/assets/by-tag/W12-00003", "/api/v1/assets/3"):
        known = client.get(url, headers=bearer("operator"))
        assert known.status_code == 200, known.get_json()
        body = known.get_json()
        assert (body["id"], body["owner"]) == (3, "amara.okafor")
        assert body["last_known"]["age_seconds"] >= 0 and body["last_known"]["seen"]
    never = client.get("/api/v1/assets/2", headers=bearer("operator"))
    assert (
        never.status_code == 503 and "could not be reached" in never.get_json()["error"]["message"]
    )
    sign_in(client, "operator")
    page = client.get("/assets/3")
    assert page.status_code == 200
    assert "RT cannot be reached: this is the device as this service last saw it" in page.get_data(
        as_text=True
    )


def test_a_persons_devices_while_rt_is_away_come_from_the_loan_log_and_the_outbox(client, rt):
    person = client.get("/api/v1/people/li.wei", headers=bearer("operator"))
    assert person.status_code == 200 and person.get_json()["last_known"] is False
    assert out(client, 2, person="li.wei").status_code == 200  # live: in the loan log
    rt.away = True
    assert out(client, 5, person="li.wei").status_code == 202  # waits in the outbox
    known = client.get("/api/v1/people/li.wei", headers=bearer("operator"))
    assert known.status_code == 200, known.get_json()
    body = known.get_json()
    assert (body["person"]["name"], body["last_known"], body["due"]) == ("li.wei", True, [])
    assert sorted(a["id"] for a in body["assets"]) == [2, 5]
    never = client.get("/api/v1/people/nobody.here", headers=bearer("operator"))
    assert never.status_code == 503


def test_metrics_give_the_outbox_and_rt_as_gauges_to_a_viewer(client, app, rt):
    def gauges() -> dict[str, float]:
        answer = client.get("/metrics", headers=bearer("viewer"))
        assert answer.status_code == 200 and answer.mimetype == "text/plain"
        text = answer.get_data(as_text=True)
        return {
            sample.name: sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    anonymous = client.get("/metrics")
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    before = gauges()
    assert (before["rtutils_outbox_waiting"], before["rtutils_outbox_draining"]) == (0, 0)
    assert "rtutils_rt_reachable" not in before  # not asked yet
    rt.away = True
    assert out(client, 2, person="li.wei").status_code == 202
    assert back(client, 3).status_code == 202
    away = gauges()
    assert (away["rtutils_outbox_waiting"], away["rtutils_rt_reachable"]) == (2, 0)
    assert away["rtutils_outbox_oldest_waiting_seconds"] >= 0
    rt.away = False
    replay(app)
    assert gauges()["rtutils_outbox_waiting"] == 0
