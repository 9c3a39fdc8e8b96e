"""The logging contract of docs/logging.md, read back from real JSON lines."""

from __future__ import annotations

import io
import json
from datetime import datetime

import pytest
from tests.web.conftest import bearer, csrf_token, sign_in

from rtutils_web.logs import configure_logging


@pytest.fixture
def log_lines(web_settings):
    stream = io.StringIO()
    configure_logging(level="INFO", fmt="json", secrets=web_settings.secrets(), stream=stream)

    def lines(event: str | None = None) -> list[dict]:
        parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
        return [p for p in parsed if event is None or p["event"] == event]

    yield lines
    configure_logging(level="INFO", fmt="console")


def test_a_request_line_has_every_contract_field(client, log_lines):
    response = client.get("/api/v1/assets/by-tag/W12-00002?extra=1", headers=bearer("viewer"))
    (line,) = log_lines("request")
    assert line["method"] == "GET"
    assert line["path"] == "/api/v1/assets/by-tag/W12-00002"  # no query string
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["user"] == "viewer-user"
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["logger"] == "rtutils.http" and line["level"] == "info"
    stamp = datetime.fromisoformat(line["timestamp"].replace("Z", "+00:00"))
    assert stamp.utcoffset().total_seconds() == 0


def test_anonymous_requests_are_logged_with_a_null_user(client, log_lines):
    client.get("/api/v1/assets/1")
    (line,) = log_lines("request")
    assert line["status"] == 401 and line["user"] is None


def test_a_domain_error_is_logged_with_its_code(client, log_lines):
    client.get("/api/v1/assets/99999", headers=bearer("viewer"))
    (failed,) = log_lines("request_failed")
    assert failed["error_code"] == "asset_not_found" and failed["status"] == 404
    assert failed["user"] == "viewer-user" and failed["request_id"]


def test_sign_in_and_out_are_logged_by_name(client, log_lines):
    sign_in(client, "admin")
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    (login,) = log_lines("login")
    (logout,) = log_lines("logout")
    assert (login["user"], login["role"]) == ("admin-user", "admin")
    assert logout["user"] == "admin-user"
