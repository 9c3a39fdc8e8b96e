"""Every API operation and desk page for every role: allowed from its role up, 403 below."""

from __future__ import annotations

import pytest
from tests.web.conftest import bearer, csrf_token, sign_in

from rtutils_web.access.tokens import ROLES

# (method, url, JSON body, the least role allowed, the status it then answers)
API = [
    ("GET", "/api/v1/assets/1", None, "viewer", 200),
    ("GET", "/api/v1/assets/by-tag/W12-00001", None, "viewer", 200),
    ("GET", "/api/v1/assets?per_page=5", None, "viewer", 200),
    ("GET", "/api/v1/tags/next", None, "viewer", 200),
    ("GET", "/api/v1/tags/events", None, "viewer", 200),
    ("GET", "/api/v1/tags/events.csv", None, "viewer", 200),
    ("GET", "/api/v1/labels/W12-00001.pdf", None, "viewer", 200),
    ("GET", "/api/v1/labels/W12-00001.png", None, "viewer", 200),
    ("GET", "/api/v1/openapi.json", None, "viewer", 200),
    ("POST", "/api/v1/labels/batch", {"tags": ["W12-00001"]}, "operator", 200),
    ("POST", "/api/v1/assets/13/tag", None, "operator", 201),
    ("PUT", "/api/v1/tags/sequence", {"next": 500}, "admin", 200),
]
PAGES = [
    ("/", "viewer"),
    ("/assets/1", "viewer"),
    ("/lookup?tag=W12-00001", "viewer"),
    ("/a/W12-00001", "viewer"),
    ("/events", "viewer"),
    ("/labels/batch", "operator"),
    ("/admin/sequences", "admin"),
]


def allowed(role: str, least: str) -> bool:
    return ROLES.index(role) >= ROLES.index(least)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "url", "body", "least", "status"), API)
def test_api_roles(client, role, method, url, body, least, status):
    response = client.open(url, method=method, json=body, headers=bearer(role))
    if allowed(role, least):
        assert response.status_code == status, response.get_data(as_text=True)
    else:
        assert response.status_code == 403
        assert least in response.get_json()["error"]["message"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("url", "least"), PAGES)
def test_page_roles(client, role, url, least):
    sign_in(client, role)
    response = client.get(url)
    if allowed(role, least):
        assert response.status_code in (200, 302)
    else:
        assert response.status_code == 403
        assert f"needs the {least} role" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_page_forms_follow_the_roles(client, role):
    sign_in(client, role)
    token = csrf_token(client, "/")
    batch = client.post(
        "/labels/batch", data={"csrf_token": token, "tags": "W12-00001", "do": "print"}
    )
    assert (batch.status_code == 403) == (role == "viewer")
    issued = client.post("/assets/13/tag", data={"csrf_token": token})
    assert (issued.status_code == 403) == (role == "viewer")
    moved = client.post("/admin/sequences", data={"csrf_token": token, "next": "500"})
    assert (moved.status_code == 403) == (role != "admin")
