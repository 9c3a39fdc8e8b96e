"""Security headers, no inline scripts, escaped output, and secrets kept out of responses."""

from __future__ import annotations

import io
import re

from tests.web.conftest import RT_TOKEN, TOKENS, bearer, csrf_token

from rtutils_core.assets import AssetDraft
from rtutils_web.logs import configure_logging

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
