"""Faults a real RT cannot be made to produce on demand, from a scripted loopback server.

Server errors, garbage, an HTML login page, a hang past the timeout, a refused connection,
a redirect, and a search answer that ignores the question: each must become one of the
core's errors, retried only where a repeat is safe, and never show the token.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from attrs import define, field
from tests.conftest import free_port

from rtutils_adapters.rt import RTRestBackend
from rtutils_core.assets import AssetChanges, AssetDraft, AssetQuery
from rtutils_core.errors import (
    AssetChanged,
    AssetNotFound,
    BackendAuthFailed,
    BackendRejected,
    BackendTimeout,
    BackendUnavailable,
    BackendUnreachable,
    RtutilsError,
    UntrustworthyResult,
)
from rtutils_core.secrets import Secret

TOKEN = "9-42-" + "feedfacecafebeef" + "0123456789abcdef"
API = "/REST/2.0"


@define
class Answer:
    status: int = 200
    body: Any = None  # dict/list -> JSON; str/bytes as they are
    headers: dict[str, str] = field(factory=dict)
    delay: float = 0.0

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, dict | list):
            return json.dumps(self.body).encode(), "application/json; charset=utf-8"
        if isinstance(self.body, str):
            return self.body.encode(), "application/json; charset=utf-8"
        return self.body or b"", "application/json"


@define
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


class FakeRT:
    """Answers each (method, path) from a script: answers in order, the last one repeating."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                fake.handle(self)

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def on(self, method: str, path: str, *answers: Answer) -> None:
        self.routes[(method, API + path)] = list(answers)

    def count(self, method: str, path: str) -> int:
        return sum(1 for s in self.seen if (s.method, s.path) == (method, API + path))

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        length = int(request.headers.get("Content-Length") or 0)
        seen = Seen(
            request.command,
            parts.path,
            parse_qs(parts.query),
            dict(request.headers.items()),
            request.rfile.read(length),
        )
        with self._lock:
            self.seen.append(seen)
            script = self.routes.get((request.command, parts.path))
            answer = (script.pop(0) if len(script) > 1 else script[0]) if script else None
        answer = answer or Answer(404, {"message": "Not Found"})
        time.sleep(answer.delay)
        body, content_type = answer.encoded()
        try:
            request.send_response(answer.status)
            request.send_header("Content-Type", answer.headers.get("Content-Type", content_type))
            for name, value in answer.headers.items():
                if name != "Content-Type":
                    request.send_header(name, value)
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except OSError:  # the client gave up (a timeout test)
            pass


@pytest.fixture
def fake() -> Iterator[FakeRT]:
    server = FakeRT()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


def backend_for(url: str) -> RTRestBackend:
    # The token on every request: these faults are the transport's. What RT sessions add
    # is held against the real RT in test_rt_sessions.py.
    return RTRestBackend(
        url,
        Secret(TOKEN),
        connect_timeout=1,
        read_timeout=0.5,
        retries=2,
        backoff=0,
        sessions=False,
    )


@pytest.fixture
def backend(fake: FakeRT) -> RTRestBackend:
    return backend_for(fake.url)


def failure(error: type[RtutilsError], action, match: str | None = None) -> RtutilsError:
    """Run ``action``, expect ``error``, and check that its text does not carry the token."""
    with pytest.raises(error, match=match) as caught:
        action()
    text = f"{caught.value} {caught.value!r} {caught.value.__cause__!r}"
    assert TOKEN not in text and TOKEN.rsplit("-", maxsplit=1)[-1] not in text
    return caught.value


def asset_json(asset_id: int, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": asset_id,
        "Name": name,
        "Status": "new",
        "Catalog": {"id": "1", "type": "catalog", "Name": "Student Devices"},
        "Owner": {"id": "Nobody", "type": "user"},
        "HeldBy": [],
        "CustomFields": [],
        **extra,
    }


def page_json(items: list[dict[str, Any]], total: int | None, page: int = 1, per_page: int = 100):
    return {"items": items, "count": len(items), "total": total, "page": page, "per_page": per_page}


def test_every_request_carries_the_token_header(fake, backend):
    fake.on("GET", "/asset/1", Answer(body=asset_json(1, "W12-00001"), headers={"ETag": '"7"'}))
    assert backend.get_asset(1).version == '"7"'
    assert fake.seen[0].headers["Authorization"] == f"token {TOKEN}"


def test_server_errors_on_reads_are_retried_then_reported(fake, backend):
    fake.on("GET", "/asset/1", Answer(500))
    failure(BackendUnavailable, lambda: backend.get_asset(1), "HTTP 500")
    assert fake.count("GET", "/asset/1") == 3  # the first try and two retries


def test_a_passing_server_error_on_a_read_is_ridden_out(fake, backend):
    fake.on("GET", "/asset/1", Answer(503), Answer(body=asset_json(1, "W12-00001")))
    assert backend.get_asset(1).name == "W12-00001"
    assert fake.count("GET", "/asset/1") == 2


def _serve_catalog(fake: FakeRT) -> None:
    catalog = {"id": "1", "Name": "Student Devices", "Description": "", "Disabled": "0"}
    fake.on("GET", "/catalogs/all", Answer(body=page_json([catalog], 1)))


@pytest.mark.parametrize(
    ("answer", "error"),
    [(Answer(503), BackendUnavailable), (Answer(201, delay=1.0), BackendTimeout)],
    ids=["server-error", "no-answer"],
)
def test_create_is_never_retried(fake, backend, answer, error):
    _serve_catalog(fake)
    fake.on("POST", "/asset", answer)
    draft = AssetDraft(name="W12-00009", catalog="Student Devices")
    failure(error, lambda: backend.create_asset(draft))
    assert fake.count("POST", "/asset") == 1  # a retry could create a second asset


def test_an_unconditional_update_is_not_retried(fake, backend):
    fake.on("PUT", "/asset/1", Answer(503))
    failure(BackendUnavailable, lambda: backend.update_asset(1, AssetChanges(name="W12-00002")))
    assert fake.count("PUT", "/asset/1") == 1


def test_a_conditional_update_is_retried_and_a_lost_success_recognised(fake, backend):
    # The first PUT landed but its answer was lost; the retry meets the new ETag (412).
    fake.on("PUT", "/asset/1", Answer(502), Answer(412, {"message": "Precondition Failed"}))
    fake.on("GET", "/asset/1", Answer(body=asset_json(1, "W12-00002"), headers={"ETag": '"9"'}))
    updated = backend.update_asset(1, AssetChanges(name="W12-00002"), if_version='"8"')
    assert (updated.name, updated.version) == ("W12-00002", '"9"')
    assert fake.count("PUT", "/asset/1") == 2
    assert all(s.headers.get("If-Match") == '"8"' for s in fake.seen if s.method == "PUT")


def test_precondition_failed_is_asset_changed(fake, backend):
    fake.on("PUT", "/asset/1", Answer(412, {"message": "Precondition Failed"}))
    failure(AssetChanged, lambda: backend.update_asset(1, AssetChanges(name="x"), '"1"'))
    assert fake.count("PUT", "/asset/1") == 1


@pytest.mark.parametrize(
    ("answer", "match"),
    [
        (Answer(body="}{ certainly not json"), "not JSON"),
        (
            Answer(body=b"<html><form>Login</form></html>", headers={"Content-Type": "text/html"}),
            "HTML",
        ),
        (Answer(body="<!DOCTYPE html><title>Login</title>"), "HTML"),
        (Answer(body={"unexpected": True}), "unexpected shape"),
        (Answer(body=[1, 2, 3]), "unexpected shape"),
    ],
    ids=["garbage", "login-page", "html-labelled-json", "wrong-object", "wrong-type"],
)
def test_an_answer_that_is_not_rt_json_is_backend_unavailable(fake, backend, answer, match):
    fake.on("GET", "/asset/1", answer)
    failure(BackendUnavailable, lambda: backend.get_asset(1), match)


def test_a_hang_past_the_read_timeout_is_a_timeout_not_a_wait(fake, backend):
    fake.on("GET", "/asset/1", Answer(body=asset_json(1, "W12-00001"), delay=3))
    started = time.monotonic()
    failure(BackendTimeout, lambda: backend.get_asset(1), "RT_READ_TIMEOUT")
    assert time.monotonic() - started < 2
    assert fake.count("GET", "/asset/1") == 1  # RT is busy: asking again adds to its load


def test_a_refused_connection_is_backend_unreachable():
    backend = backend_for(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    error = failure(BackendUnreachable, backend.ping, "could not be reached")
    assert "refused" in error.message.lower()


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_that_cannot_reach_rt_is_backend_unreachable(fake, backend, status):
    fake.on("PUT", "/asset/1", Answer(status, b"<html>Bad Gateway</html>"))
    failure(BackendUnreachable, lambda: backend.update_asset(1, AssetChanges(name="x")), "HTTP")


def test_a_server_error_of_rt_itself_is_not_unreachable(fake, backend):
    # RT answered: a write it failed on is not one to hold back and send again later.
    fake.on("PUT", "/asset/1", Answer(500))
    error = failure(BackendUnavailable, lambda: backend.update_asset(1, AssetChanges(name="x")))
    assert not isinstance(error, BackendUnreachable)


def test_an_unreachable_rt_is_named_without_the_credentials_of_its_address():
    port = free_port()
    backend = backend_for(f"http://desk:hunter2pw@127.0.0.1:{port}")
    error = failure(BackendUnavailable, backend.ping, f"RT at 127.0.0.1:{port} could not be")
    assert "hunter2pw" not in error.message and "desk" not in error.message
    assert "hunter2pw" not in repr(backend) + backend.asset_url(1)


@pytest.mark.parametrize(
    ("answer", "error", "match"),
    [
        (Answer(401, {"message": "Unauthorized"}), BackendAuthFailed, "RT_TOKEN"),
        (Answer(403, {"message": "No permission to see asset"}), BackendAuthFailed, "No perm"),
        (Answer(404, {"message": "Not Found"}), AssetNotFound, "asset 1 does not exist"),
        (
            Answer(400, {"message": "Invalid Name (names may not be all digits)"}),
            BackendRejected,
            "all digits",
        ),
        (
            Answer(302, headers={"Location": "http://sso.invalid/login"}),
            BackendUnavailable,
            "RT_URL",
        ),
    ],
    ids=["401", "403", "404", "400", "redirect"],
)
def test_statuses_map_to_the_core_errors(fake, backend, answer, error, match):
    fake.on("GET", "/asset/1", answer)
    failure(error, lambda: backend.get_asset(1), match)
    assert len(fake.seen) == 1  # neither retried nor followed elsewhere


def test_a_search_answer_that_ignores_the_question_is_refused(fake, backend):
    everything = [asset_json(i, f"W12-{i:05d}") for i in range(1, 4)]
    fake.on("GET", "/assets", Answer(body=page_json(everything, 3)))
    error = failure(
        UntrustworthyResult, lambda: backend.search_assets(AssetQuery(name="W12-00002"))
    )
    # The caller is told what went wrong, but not another asset's name nor the AssetSQL.
    assert "W12-00001" not in error.message and "Name" not in error.message
    failure(UntrustworthyResult, lambda: list(backend.iter_assets(AssetQuery(status="in-use"))))


def test_paging_goes_on_when_rt_hides_the_total(fake, backend):
    # RT answers total=null to a user who may not see every asset; no next_page then either.
    first = [asset_json(i, f"W12-{i:05d}") for i in range(1, 101)]
    rest = [asset_json(i, f"W12-{i:05d}") for i in range(101, 106)]
    fake.on(
        "GET",
        "/assets",
        Answer(body=page_json(first, None)),
        Answer(body=page_json(rest, None, page=2)),
    )
    assets = list(backend.iter_assets(AssetQuery(name_prefix="W12-")))
    assert len(assets) == 105
    assert [s.query["page"] for s in fake.seen] == [["1"], ["2"]]
    assert all(s.query["per_page"] == ["100"] and "fields" in s.query for s in fake.seen)
