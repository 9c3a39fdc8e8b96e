"""The old tool's URLs on the new services: webhook, next tag, label link."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime

import pytest
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING, bearer, made_up_token

from rtutils_core.errors import ConfigError
from rtutils_core.tags.event_query import EventQuery
from rtutils_web.app import create_app
from rtutils_web.settings import Settings

WEBHOOK_SECRET = made_up_token("webhook")


@pytest.fixture
def hooked(tmp_path):
    """The demo app with a webhook secret."""
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "WORKING_DIR": str(tmp_path / "state"),
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "SECRET_KEY": SECRET_KEY,
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
        }
    )
    return create_app(settings)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def post(client, body: dict, headers: dict | None = None):
    return client.post(
        "/webhook/asset-created",
        data=json.dumps(body),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def test_the_webhook_tags_the_asset_and_answers_in_the_old_shape(hooked):
    client = hooked.test_client()
    body = {"asset_id": 16, "event": "asset_created", "timestamp": _now()}
    answer = post(client, body, {"X-Webhook-Secret": WEBHOOK_SECRET})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json() == {
        "message": "asset 16 tagged W12-00017",
        "asset_id": 16,
        "asset_tag": "W12-00017",
        "previous_name": "Library cart A1",
    }
    raw = json.dumps({"asset_id": 16}).encode()
    signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    again = client.post(
        "/webhook/asset-created",
        data=raw,
        headers={"Content-Type": "application/json", "X-Webhook-Signature": signature},
    )
    assert again.get_json()["asset_tag"] == "W12-00017"


def test_five_posts_at_once_give_one_tag_and_five_answers_naming_it(hooked):
    answers, barrier = [], threading.Barrier(5)

    def call() -> None:
        client = hooked.test_client()
        barrier.wait()
        answers.append(post(client, {"asset_id": 17}, {"X-Webhook-Secret": WEBHOOK_SECRET}))

    threads = [threading.Thread(target=call) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [200] * 5
    assert {a.get_json()["asset_tag"] for a in answers} == {"W12-00017"}
    tags = hooked.extensions["rtutils"].tag_service()
    assert [e.state for e in tags.events(EventQuery(asset_id=17))].count("assigned") == 1


def test_a_wrong_or_missing_secret_is_401_and_changes_nothing(hooked):
    client = hooked.test_client()
    for headers in ({}, {"X-Webhook-Secret": "guess"}, {"X-Webhook-Signature": "sha256=00"}):
        answer = post(client, {"asset_id": 16}, headers)
        assert answer.status_code == 401
        assert answer.get_json()["error"]["code"] == "unauthorized"
    assert hooked.extensions["rtutils"].tag_service().events(EventQuery(asset_id=16)) == []


def test_an_unknown_asset_is_a_404_json_error_and_bad_bodies_are_400(hooked):
    client = hooked.test_client()
    ok = {"X-Webhook-Secret": WEBHOOK_SECRET}
    missing = post(client, {"asset_id": 99999}, ok)
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "asset_not_found"
    assert post(client, {"asset_id": "x"}, ok).status_code == 400
    broken = client.post("/webhook/asset-created", data="{", headers=ok)
    assert broken.status_code == 400


def test_without_a_secret_the_webhook_is_off(client):
    answer = post(client, {"asset_id": 16}, {"X-Webhook-Secret": ""})
    assert answer.status_code == 404


def test_next_asset_tag_answers_in_the_old_shape(client):
    answer = client.get("/next-asset-tag?prefix=W12-", headers=bearer("viewer"))
    assert answer.get_json() == {"next_asset_tag": "W12-00017"}
    anonymous = client.get("/next-asset-tag")  # a bookmark: sign in first
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_old_label_link_redirects_to_the_label_pdf(client):
    by_id = client.get("/labels/print?assetId=3&size=small", headers=bearer("viewer"))
    assert by_id.status_code == 302
    assert by_id.headers["Location"].endswith("/api/v1/labels/W12-00003.pdf?template=small")
    by_name = client.get("/labels/print?assetName=W12-00004", headers=bearer("viewer"))
    assert by_name.headers["Location"].endswith("/api/v1/labels/W12-00004.pdf?template=large")
    pdf = client.get(by_name.headers["Location"], headers=bearer("viewer"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/labels/print?size=huge", headers=bearer("viewer")).status_code == 400
    assert client.get("/labels/print", headers=bearer("viewer")).status_code == 400


@pytest.mark.parametrize("name", ["../../admin", "W12-00001/../../admin", "//evil.example"])
def test_the_old_label_link_checks_the_tag_before_it_redirects(client, name):
    answer = client.get("/labels/print", query_string={"assetName": name}, headers=bearer("viewer"))
    assert answer.status_code == 400
    assert "Location" not in answer.headers


def test_a_body_nested_a_thousand_levels_deep_is_a_json_400(hooked):
    deep = '{"asset_id": ' + "[" * 1000 + "]" * 1000 + "}"
    answer = hooked.test_client().post(
        "/webhook/asset-created", data=deep, headers={"X-Webhook-Secret": WEBHOOK_SECRET}
    )
    assert answer.status_code == 400
    assert "nested more than 32 levels" in answer.get_json()["error"]["message"]


def test_every_webhook_error_is_json_whatever_the_caller_sends(hooked):
    client = hooked.test_client()
    headers = {"X-Webhook-Secret": WEBHOOK_SECRET, "Accept": "text/html"}
    for data in ("{", "[1]", '{"asset_id": "x"}'):
        answer = client.post("/webhook/asset-created", data=data, headers=headers)
        assert answer.status_code == 400
        assert answer.mimetype == "application/json"
        assert answer.get_json()["error"]["request_id"]
    plain = client.post(
        "/webhook/asset-created", data=json.dumps({"asset_id": 16}), headers=headers
    )
    assert plain.get_json()["asset_tag"] == "W12-00017"  # read as JSON without Content-Type


def test_wrong_secrets_are_throttled_like_failed_sign_ins(hooked):
    """The guesser is refused; the right secret from the same address still tags (the
    throttle falls on wrong credentials only, as for Bearer tokens)."""
    client = hooked.test_client()
    for _ in range(10):
        assert post(client, {"asset_id": 16}, {"X-Webhook-Secret": "guess"}).status_code == 401
    refused = post(client, {"asset_id": 16}, {"X-Webhook-Secret": "guess"})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    right = post(client, {"asset_id": 16}, {"X-Webhook-Secret": WEBHOOK_SECRET})
    assert right.status_code == 200


@pytest.mark.parametrize("stamp", ["2025-03-01T08:00:00Z", "9999-12-31T23:59:59+14:00", "soon", 5])
def test_a_signed_body_is_accepted_only_with_a_fresh_timestamp(hooked, stamp):
    client = hooked.test_client()
    raw = json.dumps({"asset_id": 16, "timestamp": stamp}).encode()
    signature = "sha256=" + hmac.new(WEBHOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    answer = client.post(
        "/webhook/asset-created", data=raw, headers={"X-Webhook-Signature": signature}
    )
    assert answer.status_code == 400
    assert "timestamp" in answer.get_json()["error"]["message"]
    assert hooked.extensions["rtutils"].tag_service().events(EventQuery(asset_id=16)) == []


@pytest.mark.parametrize("weak", ["a", "webhook-secret-0123456789", "ab" * 20])
def test_a_weak_webhook_secret_stops_start_up(tmp_path, weak):
    env = {"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(tmp_path), "WEBHOOK_SECRET": weak}
    with pytest.raises(ConfigError, match="WEBHOOK_SECRET") as refused:
        Settings.from_env(env)
    assert len(weak) < 3 or weak not in str(refused.value)
