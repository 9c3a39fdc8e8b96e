"""The asset API: look-ups, searches and every error status they can answer with."""

from __future__ import annotations

import pytest
from dependency_injector import providers
from tests.web.conftest import RT_TOKEN, bearer
from tests.web.fakes import FailingBackend

from rtutils_core import errors as e
from rtutils_web.app import create_app
from rtutils_web.assets.schema import ASSET_FIELDS
from rtutils_web.container import build_container


def get(client, url, role="viewer", **kwargs):
    return client.get(url, headers=bearer(role), **kwargs)


def error_of(response) -> dict:
    body = response.get_json()["error"]
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


def test_one_asset_by_id_has_the_documented_fields(client):
    body = get(client, "/api/v1/assets/1", role="operator").get_json()
    assert tuple(body) == ASSET_FIELDS
    shown = tuple(get(client, "/api/v1/assets/1").get_json())
    assert shown == tuple(f for f in ASSET_FIELDS if f not in ("owner", "held_by"))
    assert body["id"] == 1 and body["tag"] == body["name"] == "W12-00001"
    assert body["rt_url"].endswith("/Asset/Display.html?id=1")
    assert body["custom_fields"]["Type"] == "Chromebook"


def test_an_untagged_asset_has_a_null_tag(client):
    page = get(client, "/api/v1/assets?per_page=100").get_json()
    untagged = [a for a in page["items"] if a["tag"] is None]
    assert untagged, "the demo data has assets without a tag"
    assert all(not a["name"].startswith("W12-0") for a in untagged)


def test_by_tag_finds_the_asset_that_carries_it(client):
    body = get(client, "/api/v1/assets/by-tag/W12-00002").get_json()
    assert body["name"] == "W12-00002" and body["id"] == 2


def test_search_filters_and_pages(client):
    body = get(
        client, "/api/v1/assets", query_string={"cf.Type": "Charger", "per_page": "2"}
    ).get_json()
    assert body["per_page"] == 2 and len(body["items"]) <= 2
    assert body["total"] >= 2 and body["pages"] == -(-body["total"] // 2)
    assert {a["custom_fields"]["Type"] for a in body["items"]} == {"Charger"}
    second = get(
        client, "/api/v1/assets", query_string={"cf.Type": "Charger", "per_page": "2", "page": "2"}
    ).get_json()
    assert {a["id"] for a in second["items"]}.isdisjoint({a["id"] for a in body["items"]})


def test_search_by_catalog_status_and_name_prefix(client):
    body = get(
        client,
        "/api/v1/assets",
        query_string={"catalog": "Student Devices", "status": "in-use", "name_prefix": "W12-"},
    ).get_json()
    assert body["items"]
    for asset in body["items"]:
        assert asset["status"] == "in-use" and asset["name"].startswith("W12-")


@pytest.mark.parametrize(
    ("url", "code", "words"),
    [
        ("/api/v1/assets/abc", "invalid_input", "asset id must be a whole number"),
        ("/api/v1/assets/0", "invalid_input", "asset id"),
        ("/api/v1/assets/by-tag/W12-00O42", "invalid_tag", "'W12-' followed by 5 digits"),
        ("/api/v1/assets?per_page=500", "invalid_input", "per_page"),
        ("/api/v1/assets?page=x", "invalid_input", "page must be a whole number"),
        ("/api/v1/assets?colour=red", "invalid_input", "unknown query parameter 'colour'"),
        ("/api/v1/assets?cf.Colour=red", "invalid_input", "custom field 'Colour'"),
    ],
)
def test_bad_input_is_400_naming_the_problem(client, url, code, words):
    response = get(client, url)
    assert response.status_code == 400
    body = error_of(response)
    assert body["code"] == code and words in body["message"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/assets/99999", "asset_not_found"),
        ("/api/v1/assets/by-tag/W12-99999", "tag_not_found"),
        ("/api/v1/assets?catalog=Laptops", "catalog_not_found"),
        ("/api/v1/nowhere", "not_found"),
    ],
)
def test_what_does_not_exist_is_404(client, url, code):
    response = get(client, url)
    assert response.status_code == 404
    assert error_of(response)["code"] == code


def test_a_wrong_method_is_405_with_the_allowed_ones(client):
    response = client.delete("/api/v1/assets/1", headers=bearer("admin"))
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_an_oversized_json_body_is_413_as_json(client):
    response = client.post(
        "/api/v1/assets/13/tag",
        data=b'{"prefix": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        headers={**bearer("operator"), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert get(client, "/api/v1/assets/13").get_json()["tag"] is None  # nothing was issued


def test_an_oversized_form_is_413(client):
    response = client.post("/login", data={"token": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "payload too large" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (e.BackendUnavailable("RT at https://rt.example.org is unreachable"), 503, None),
        (e.BackendTimeout("RT did not answer within 30 s"), 504, None),
        (e.BackendRejected("RT refused: no right to see assets"), 502, None),
        (e.BackendAuthFailed("RT refused the token"), 502, None),
        (e.UntrustworthyResult("RT ignored a search condition"), 502, None),
        (e.AssetChanged("asset 1 changed since it was read"), 409, None),
    ],
)
def test_backend_failures_have_their_status_and_never_leak_the_rt_token(
    web_settings, error, status, code
):
    container = build_container(web_settings)
    container.backend.override(providers.Object(FailingBackend(error)))
    client = create_app(container=container).test_client()
    for url in ("/api/v1/assets/1", "/api/v1/assets/by-tag/W12-00001", "/api/v1/assets"):
        response = get(client, url)
        assert response.status_code == status, url
        body = error_of(response)
        assert body["code"] == error.code and body["message"] == error.message
        assert RT_TOKEN not in response.get_data(as_text=True)


def test_an_unexpected_failure_is_a_500_without_a_traceback(web_settings):
    class Broken(FailingBackend):
        def get_asset(self, asset_id):
            raise RuntimeError(f"/srv/app/secret/path.py exploded with {RT_TOKEN}")

    container = build_container(web_settings)
    container.backend.override(providers.Object(Broken(e.BackendError("unused"))))
    response = get(create_app(container=container).test_client(), "/api/v1/assets/1")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert error_of(response)["code"] == "internal_error"
    assert "Traceback" not in text and "/srv/app" not in text and RT_TOKEN not in text
