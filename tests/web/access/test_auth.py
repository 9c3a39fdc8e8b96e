"""Authentication everywhere except the probes, the login page and static files."""

from __future__ import annotations

import pytest
from tests.web.conftest import TOKEN_SETTING, TOKENS, bearer, csrf_token, sign_in

from rtutils_web.app import create_app
from rtutils_web.settings import Settings

PUBLIC = {"health.healthz", "health.readyz", "login.login", "login.login_submit", "static"}
SAMPLE_ARGS = {
    "asset_id": "1",
    "tag": "W12-00001",
    "filename": "app.css",
    "job_id": "1",
    "name": "desk",
    "student_id": "100101",
    "manual_id": "1",
    "loan_id": "1",
    "audit_id": "1",
    "operation_id": "1",
    "action": "retry",
}
#: Open to callers without a session or token; they check a shared secret themselves, and
#: are off (404) while no secret is configured.
SIGNED_BY_CALLER = {"legacy.webhook_asset_created"}


def routes(app):
    """Every (method, url, endpoint) the app serves, with sample path values."""
    for rule in app.url_map.iter_rules():
        values = {name: SAMPLE_ARGS[name] for name in rule.arguments}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url, rule.endpoint


def test_every_route_but_the_public_ones_needs_authentication(app):
    client = app.test_client()
    checked = 0
    for method, url, endpoint in routes(app):
        response = client.open(url, method=method)
        if endpoint in PUBLIC:
            assert response.status_code in (200, 400), (method, url, response.status_code)
            continue
        if endpoint in SIGNED_BY_CALLER:
            assert response.status_code == 404, (method, url, response.status_code)
            continue
        checked += 1
        if url.startswith("/api/"):
            assert response.status_code == 401, (method, url)
            assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
            assert response.get_json()["error"]["code"] == "unauthorized"
        else:
            assert response.status_code == 302, (method, url)
            assert response.headers["Location"].startswith("/login?next=")
    assert checked >= 8


def test_a_wrong_or_malformed_bearer_token_is_refused_even_with_a_session(desk):
    for header in ("Bearer not-a-valid-token-0123456789", "Basic dXNlcjpwYXNz", "Bearer "):
        response = desk.get("/api/v1/assets/1", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.get_json()["error"]["request_id"] == response.headers["X-Request-ID"]


@pytest.mark.parametrize("role", ["viewer", "operator", "admin"])
def test_every_role_may_read(client, role):
    for url in (
        "/api/v1/assets/1",
        "/api/v1/assets/by-tag/W12-00001",
        "/api/v1/assets",
        "/api/v1/tags/next",
        "/api/v1/tags/events",
        "/api/v1/tags/events.csv",
        "/api/v1/openapi.json",
    ):
        assert client.get(url, headers=bearer(role)).status_code == 200, (role, url)


def test_login_with_a_token_gives_a_session_that_reads_the_api(client):
    assert client.get("/").status_code == 302
    response = sign_in(client, "viewer")
    assert response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert TOKENS["viewer"] not in cookie  # the cookie holds a name, not the token
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/assets/1").status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("POST", "/api/v1/labels/batch", {"tags": ["W12-00001"]}),
        ("POST", "/api/v1/assets/13/tag", {}),
        ("PUT", "/api/v1/tags/sequence", {"next": 500}),
    ],
)
def test_api_changes_need_the_bearer_header_not_the_cookie(client, method, url, body):
    sign_in(client, "admin")  # a browser session with every right
    response = client.open(url, method=method, json=body)
    assert response.status_code == 401  # never done on the strength of a cookie
    assert "Bearer" in response.get_json()["error"]["message"]


def test_a_wrong_token_at_login_is_refused_and_logged_without_the_token(client):
    response = client.post(
        "/login", data={"token": "guess-0123456789abcdef0123", "csrf_token": csrf_token(client)}
    )
    assert response.status_code == 401
    assert "not valid" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_without_the_csrf_token_is_refused(client):
    response = client.post("/login", data={"token": TOKENS["admin"]})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_sign_out_needs_the_csrf_token_and_ends_the_session(desk):
    assert desk.post("/logout").status_code == 400
    assert desk.get("/").status_code == 200
    response = desk.post("/logout", data={"csrf_token": csrf_token(desk, "/")})
    assert response.status_code == 302
    assert desk.get("/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_login_never_redirects_off_site(client, target):
    response = client.post(
        "/login",
        data={"token": TOKENS["viewer"], "csrf_token": csrf_token(client), "next": target},
    )
    assert response.headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for(client):
    first = client.get("/assets/3")
    assert first.headers["Location"] == "/login?next=/assets/3"
    response = client.post(
        "/login",
        data={"token": TOKENS["viewer"], "csrf_token": csrf_token(client), "next": "/assets/3"},
    )
    assert response.headers["Location"] == "/assets/3"


def test_a_session_ends_when_its_token_is_removed_from_the_configuration(web_settings, tmp_path):
    import attrs

    from rtutils_core.secrets import Secret

    app = create_app(web_settings)
    client = app.test_client()
    sign_in(client, "operator")
    cookie = client.get_cookie("rtutils_session")
    without_operator = ",".join(p for p in TOKEN_SETTING.split(",") if ":operator:" not in p)
    later = create_app(attrs.evolve(web_settings, api_tokens=Secret(without_operator)))
    other = later.test_client()
    other.set_cookie("rtutils_session", cookie.value)
    assert other.get("/").status_code == 302


def test_without_tokens_nobody_gets_in(tmp_path):
    app = create_app(Settings.from_env({"RTUTILS_BACKEND": "demo"}))
    client = app.test_client()
    assert client.get("/api/v1/assets/1", headers=bearer("admin")).status_code == 401
    assert client.get("/healthz").status_code == 200


def test_a_reverse_proxys_basic_auth_does_not_lock_out_the_desk_or_the_probes(client):
    """A proxy with HTTP Basic auth in front passes its Authorization header on."""
    proxy = {"Authorization": "Basic dXNlcjpwYXNz"}
    assert client.get("/healthz", headers=proxy).status_code == 200
    assert client.get("/login", headers=proxy).status_code == 200
    form = {"token": TOKENS["operator"], "csrf_token": csrf_token(client)}
    assert client.post("/login", data=form, headers=proxy).status_code == 302
    assert client.get("/", headers=proxy).status_code == 200
