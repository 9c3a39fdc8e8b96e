"""Security headers, no inline scripts, escaped output, and secrets kept out of responses."""

from __future__ import annotations

import io
import re

import pytest
from tests.web.conftest import (
    RT_TOKEN,
    SECRET_KEY,
    TOKEN_SETTING,
    TOKENS,
    bearer,
    csrf_token,
)

from rtutils_core.assets import AssetDraft
from rtutils_core.errors import ConfigError
from rtutils_web.app import create_app
from rtutils_web.logs import configure_logging
from rtutils_web.settings import Settings

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)


def page_urls(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith("/api/"):
            yield rule.rule
    yield from ("/assets/1", "/assets/3", "/lookup?tag=W12-00001", "/lookup?tag=nope")


def test_pages_carry_a_strict_policy_and_no_inline_script_or_style(app, desk):
    for url in page_urls(app):
        response = desk.get(url, follow_redirects=True)
        assert response.status_code < 500, url
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), url
        assert not EVENT_HANDLER.search(html), url
        assert not INLINE_STYLE.search(html), url
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"


def test_api_answers_and_errors_carry_the_headers_too(client):
    for response in (
        client.get("/api/v1/assets/1", headers=bearer("viewer")),
        client.get("/api/v1/assets/1"),
        client.get("/healthz"),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["Cache-Control"] == "no-store"


def test_asset_text_is_escaped_in_pages(app, desk):
    backend = app.extensions["rtutils"].backend()
    asset = backend.add_asset(
        AssetDraft(name='<script>alert("x")</script>', catalog="General assets")
    )
    html = desk.get(f"/assets/{asset.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert" in html


def test_no_secret_reaches_a_response_or_a_log_line(app, web_settings, desk):
    stream = io.StringIO()
    configure_logging(level="DEBUG", fmt="json", secrets=web_settings.secrets(), stream=stream)
    try:
        bodies = [
            desk.get(url, follow_redirects=True).get_data(as_text=True) for url in page_urls(app)
        ]
        for role in TOKENS:
            response = desk.get("/api/v1/openapi.json", headers=bearer(role))
            bodies.append(response.get_data(as_text=True) + str(response.headers))
        desk.post("/logout", data={"csrf_token": csrf_token(desk, "/")})
        desk.post("/login", data={"token": TOKENS["admin"], "csrf_token": csrf_token(desk)})
        desk.get("/api/v1/assets/1", headers={"Authorization": f"Bearer {TOKENS['admin']}x"})
    finally:
        configure_logging(level="INFO", fmt="console")
    logs = stream.getvalue()
    assert '"event": "request"' in logs and '"event": "login"' in logs
    assert '"user": "admin-user"' in logs
    for secret in (RT_TOKEN, web_settings.secret_key.reveal(), *TOKENS.values()):
        assert secret not in logs
        assert all(secret not in body for body in bodies)


def _app_with(tmp_path, **extra):
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "WORKING_DIR": str(tmp_path / "state"),
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "SECRET_KEY": SECRET_KEY,
            **extra,
        }
    )
    return create_app(settings)


@pytest.mark.parametrize("back", ["/\t/evil.example", "//evil.example", "/\\evil.example"])
def test_choosing_a_printer_goes_back_only_to_a_path_of_this_site(desk, back):
    token = csrf_token(desk, "/")
    answer = desk.post(
        "/printing/printer", data={"printer": "desk", "next": back, "csrf_token": token}
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"
    kept = desk.post(
        "/printing/printer", data={"printer": "desk", "next": "/assets/1", "csrf_token": token}
    )
    assert kept.headers["Location"] == "/assets/1"


def test_https_public_url_asks_browsers_for_https_only(tmp_path, client):
    secure = _app_with(tmp_path, PUBLIC_URL="https://labels.example.org").test_client()
    for response in (secure.get("/healthz"), secure.get("/login"), secure.get("/api/v1/assets/1")):
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_a_redirect_never_names_the_host_header_s_host(client):
    answer = client.get("/static//app.css", headers={"Host": "evil.example"})
    assert answer.status_code == 308
    assert answer.headers["Location"] == "/static/app.css"
    login = client.get("/events", headers={"Host": "evil.example"})
    assert "evil.example" not in login.headers["Location"]


def test_trusted_hosts_refuses_other_hosts(tmp_path):
    guarded = _app_with(tmp_path, TRUSTED_HOSTS="labels.example.org, .district.example")
    client = guarded.test_client()
    assert client.get("/healthz", headers={"Host": "labels.example.org"}).status_code == 200
    assert client.get("/healthz", headers={"Host": "a.district.example:8080"}).status_code == 200
    refused = client.get("/static//app.css", headers={"Host": "evil.example"})
    assert refused.status_code == 400
    assert "Location" not in refused.headers
    api = client.get("/api/v1/assets/1", headers={"Host": "evil.example", **bearer("viewer")})
    assert api.status_code == 400
    assert api.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("raw", ["https://labels.example.org", "labels.example.org:443", "a/b"])
def test_trusted_hosts_are_host_names_only(raw):
    with pytest.raises(ConfigError, match="TRUSTED_HOSTS"):
        Settings.from_env({"RTUTILS_BACKEND": "demo", "TRUSTED_HOSTS": raw})
