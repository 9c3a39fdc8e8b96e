"""The logging contract of docs/logging.md, read back from real JSON lines."""

from __future__ import annotations

import json
import logging
from datetime import datetime

from tests.web.conftest import RT_TOKEN, bearer, csrf_token, sign_in

from rtutils_web.logs import get_logger


def test_a_request_line_has_every_contract_field(client, log_lines):
    response = client.get("/api/v1/assets/by-tag/W12-00002?", headers=bearer("viewer"))
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


def test_a_tag_issue_is_a_domain_event_with_asset_tag_and_prefix(client, log_lines):
    response = client.post("/api/v1/assets/13/tag", headers=bearer("operator"))
    (event,) = log_lines("tag_issued")
    assert (event["asset_id"], event["tag"], event["prefix"]) == (13, "W12-00017", "W12-")
    assert event["status"] == "assigned" and event["user"] == "operator-user"
    assert event["request_id"] == response.headers["X-Request-ID"]
    assert event["logger"] == "rtutils.tags"


def test_labels_are_domain_events_too(client, log_lines):
    client.get("/api/v1/labels/W12-00003.pdf", headers=bearer("viewer"))
    client.post("/api/v1/labels/batch", json={"tags": ["W12-00001"]}, headers=bearer("operator"))
    (single,) = log_lines("label_rendered")
    assert (single["asset_id"], single["tag"], single["template"]) == (3, "W12-00003", "large")
    (batch,) = log_lines("labels_batch")
    assert batch["count"] == 1 and batch["missing"] == 0


def test_moving_a_sequence_is_a_warning_with_the_prefix(client, log_lines):
    client.put("/api/v1/tags/sequence", json={"next": 300}, headers=bearer("admin"))
    (event,) = log_lines("sequence_set")
    assert event["level"] == "warning"
    assert (event["prefix"], event["tag"], event["force"]) == ("W12-", "W12-00300", False)


def test_secrets_are_redacted_from_tracebacks_and_library_extras(web_settings, log_lines):
    try:
        raise RuntimeError(f"RT said no to {RT_TOKEN}")
    except RuntimeError:
        get_logger("rtutils.web").exception("unhandled_error", error_type="RuntimeError")
        logging.getLogger("waitress").exception("Exception while serving /x")
    logging.getLogger("waitress").info("serving", extra={"detail": f"url?t={RT_TOKEN}"})
    lines = log_lines()
    assert [line["event"] for line in lines][-3:] == [
        "unhandled_error",
        "wsgi_server_error",
        "serving",
    ]
    assert lines[-2]["message"] == "Exception while serving /x"
    assert all("Traceback" in line["exception"] for line in lines[-3:-1])
    assert RT_TOKEN not in json.dumps(lines)


def test_a_5xx_made_by_the_wsgi_server_itself_is_logged_as_such(log_lines):
    import contextlib
    import threading

    import requests
    import waitress

    def broken(environ, start_response):  # a header value HTTP cannot carry
        start_response("200 OK", [("Content-Disposition", 'inline; filename="a\u2028b"')])
        return [b"x"]

    server = waitress.create_server(broken, host="127.0.0.1", port=0, threads=1)

    def serve():
        with contextlib.suppress(Exception):  # closing the server ends its loop with an error
            server.run()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        answer = requests.get(f"http://127.0.0.1:{server.effective_port}/x", timeout=10)
    finally:
        server.close()
    assert answer.status_code == 500
    # waitress may log the failure again as it shuts down: one line at least, each an error.
    lines = log_lines("wsgi_server_error")
    assert lines and all(line["level"] == "error" for line in lines)
    assert "/x" in lines[0]["message"]
