import io
import json

import structlog
from structlog.testing import capture_logs

from rtutils_web.logs import SecretRedactor, configure_logging, get_logger


def test_healthz_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "rt": "unknown",  # this process has not talked to RT yet
        "rt_seconds_ago": None,
        "outbox": {"waiting": 0, "needs_attention": 0, "oldest_seconds": None},
    }


def test_readyz_reports_the_backend(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["backend"] == "demo"


def test_home_says_demo_and_lists_demo_assets(desk):
    page = desk.get("/").get_data(as_text=True)
    assert "demo backend" in page
    assert "W12-00001" in page and "Chromebook" in page
    assert "Next tag" in page


def test_every_response_carries_a_request_id_that_is_logged(client):
    with capture_logs(processors=[structlog.contextvars.merge_contextvars]) as logs:
        response = client.get("/healthz")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) >= 8
    line = next(entry for entry in logs if entry["event"] == "request")
    assert line["request_id"] == request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)


def test_the_request_id_is_ours_and_a_callers_is_kept_beside_it(client, log_lines):
    # A caller cannot choose (or collide) the ids of the audit log: ours is always fresh.
    first = client.get("/healthz", headers={"X-Request-ID": "abc-12345678"})
    second = client.get("/healthz", headers={"X-Request-ID": "abc-12345678"})
    ours = {first.headers["X-Request-ID"], second.headers["X-Request-ID"]}
    assert len(ours) == 2 and "abc-12345678" not in ours
    lines = log_lines("request")
    assert [line["client_request_id"] for line in lines] == ["abc-12345678"] * 2
    assert {line["request_id"] for line in lines} == ours
    junk = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert junk.headers["X-Request-ID"] != "<script>"
    assert "client_request_id" not in log_lines("request")[-1]


def test_unknown_page_is_a_json_error_for_api_clients(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    body = response.get_json()
    assert body["error"]["code"] == "not_found"
    assert body["error"]["request_id"] == response.headers["X-Request-ID"]


def test_json_log_lines_have_the_contract_fields_and_no_secrets():
    stream = io.StringIO()
    secret = "1-99-" + "0123456789abcdef" + "0123456789abcdef"
    configure_logging(level="INFO", fmt="json", secrets=[secret], stream=stream)
    get_logger("rtutils.test").info("rt_call", url=f"http://rt/x?token={secret}", token=secret)
    import logging

    logging.getLogger("waitress").warning("header Authorization: token %s", secret)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {"timestamp", "level", "event", "logger"} <= set(lines[0])
    assert lines[0]["timestamp"].endswith("Z") or lines[0]["timestamp"].endswith("+00:00")
    assert lines[1]["logger"] == "waitress"
    assert secret not in stream.getvalue()


def test_redactor_hides_authorization_values_it_was_not_told_about():
    out = SecretRedactor([])(
        None, "info", {"event": "x", "headers": {"Authorization": "token abc"}}
    )
    assert out["headers"]["Authorization"] == "[redacted]"
    out = SecretRedactor([])(None, "info", {"event": "curl -H 'Authorization: token zzzsecret'"})
    assert "zzzsecret" not in out["event"]


def test_redactor_leaves_the_word_token_in_ordinary_sentences_alone():
    redact = SecretRedactor([])
    sentence = "the token is not valid; a Bearer token looks like this"
    assert redact(None, "info", {"event": "x", "hint": sentence})["hint"] == sentence
    out = redact(None, "info", {"event": "x", "hint": "sent token 1-77-rt0123456789abcdef99"})
    assert "0123456789abcdef99" not in out["hint"]
