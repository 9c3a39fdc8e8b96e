"""Sessions end on the server, failed credentials are throttled per address and logged."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import attrs
import pytest
from tests.web.conftest import TOKENS, bearer, csrf_token, sign_in

from rtutils_web.app import create_app
from rtutils_web.settings import Settings

GUESS = "guess-" + "9f3b2c71e0a84d65b1c7" + "e2f4a9d03c58"


@pytest.fixture(params=["sqlite", "postgres"])
def store_settings(request, web_settings):
    """The desk's settings with its sessions in SQLite (``WORKING_DIR``) or in the real
    PostgreSQL of tests/pg_harness.py (``STORE_URL``, a fresh database per test)."""
    if request.param == "sqlite":
        return web_settings
    return attrs.evolve(web_settings, store_url=request.getfixturevalue("pg_url"))


@pytest.fixture
def store_app(store_settings):
    app = create_app(store_settings)
    yield app
    close_pool(app)


def close_pool(app) -> None:
    """Close the app's PostgreSQL pool, if it has one (the test's database is dropped)."""
    pool = app.extensions["rtutils"].base.store_connections()
    if pool is not None:
        pool.close()


def test_a_copy_of_the_cookie_is_worth_nothing_after_sign_out(store_app):
    app, client = store_app, store_app.test_client()
    sign_in(client)
    cookie = client.get_cookie("rtutils_session").value
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    thief = app.test_client()
    thief.set_cookie("rtutils_session", cookie)
    answer = thief.get("/")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    assert thief.get("/api/v1/assets/1").status_code == 401


def test_a_session_ends_on_the_server_at_its_lifetime(store_app):
    store_app.permanent_session_lifetime = 0  # expired as soon as it starts
    client = store_app.test_client()
    sign_in(client)
    assert client.get("/").status_code == 302


def test_a_sign_in_on_one_instance_is_honoured_by_another_on_the_same_postgres(
    web_settings, tmp_path, pg_url
):
    """Two instances behind a proxy, each with its own WORKING_DIR: no sticky sessions."""
    first = create_app(attrs.evolve(web_settings, store_url=pg_url))
    second_settings = attrs.evolve(web_settings, store_url=pg_url, working_dir=tmp_path / "two")
    second = create_app(second_settings)
    try:
        desk = first.test_client()
        sign_in(desk)
        cookie = desk.get_cookie("rtutils_session").value
        other = second.test_client()
        other.set_cookie("rtutils_session", cookie)
        assert other.get("/").status_code == 200
        assert other.get("/api/v1/assets/1").status_code == 200
        # Signed out on the second instance: the first one no longer honours the cookie.
        other.post("/logout", data={"csrf_token": csrf_token(other, "/")})
        assert desk.get("/").status_code == 302
        assert not (tmp_path / "two" / "sessions.sqlite3").exists()
    finally:
        close_pool(first)
        close_pool(second)


def test_a_session_of_a_removed_token_ends_at_the_next_start(web_settings, tmp_path):
    first = create_app(web_settings)
    desk = first.test_client()
    sign_in(desk)
    cookie = desk.get_cookie("rtutils_session").value
    without = ",".join(
        p for p in web_settings.api_tokens.reveal().split(",") if ":operator:" not in p
    )
    env = {
        "RTUTILS_BACKEND": "demo",
        "WORKING_DIR": str(web_settings.working_dir),
        "RTUTILS_API_TOKENS": without,
        "SECRET_KEY": web_settings.secret_key.reveal(),
    }
    later = create_app(Settings.from_env(env)).test_client()
    later.set_cookie("rtutils_session", cookie)
    assert later.get("/").status_code == 302


def from_address(
    client, address: str, path: str = "/api/v1/assets/1", token: str = GUESS, headers=None
):
    sent = {"Authorization": f"Bearer {token}", **(headers or {})}
    return client.get(path, headers=sent, environ_base={"REMOTE_ADDR": address})


def test_thirty_wrong_tokens_get_429_before_the_thirtieth(client, log_lines):
    answers = [from_address(client, "192.0.2.7").status_code for _ in range(30)]
    assert answers[0] == 401 and 429 in answers
    assert answers.index(429) < 29
    throttled = from_address(client, "192.0.2.7")
    assert throttled.status_code == 429 and int(throttled.headers["Retry-After"]) >= 1
    # Another address is not affected (the right token at a throttled one: test_throttle.py).
    assert from_address(client, "198.51.100.9", token=TOKENS["viewer"]).status_code == 200
    failures = log_lines("auth_failed")
    assert failures and all(f["remote_addr"] == "192.0.2.7" for f in failures)
    assert GUESS not in json.dumps(log_lines())


def test_wrong_sign_ins_are_throttled_too(client, log_lines):
    statuses = []
    for _ in range(12):
        answer = client.post(
            "/login",
            data={"token": GUESS, "csrf_token": csrf_token(client)},
            environ_base={"REMOTE_ADDR": "192.0.2.8"},
        )
        statuses.append(answer.status_code)
    assert statuses[0] == 401 and statuses[-1] == 429
    assert {line["via"] for line in log_lines("auth_failed")} == {"login"}


def test_successful_requests_are_never_throttled(client):
    for _ in range(30):
        assert client.get("/api/v1/assets/1", headers=bearer("viewer")).status_code == 200


def test_every_file_of_the_working_dir_is_private(client):
    sign_in(client)
    client.post("/api/v1/assets/3/tag", json={}, headers=bearer("operator"))
    root = Path(client.application.extensions["rtutils"].base.working_dir())
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    found = list(root.rglob("*"))
    assert any(p.name == "tags.sqlite3" for p in found)
    for path in found:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_credentials_in_rt_url_are_never_shown(tmp_path, capsys):
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "WORKING_DIR": str(tmp_path / "state"),
            "RT_URL": "https://desk:hunter2secret@rt.example.org",
            "RTUTILS_API_TOKENS": f"v:viewer:{TOKENS['viewer']}",
        }
    )
    assert settings.rt_url_shown == "https://rt.example.org"
    assert "hunter2secret" in settings.secrets()
    assert settings.label_options.rt_url == "https://rt.example.org"
    client = create_app(settings).test_client()
    body = client.get("/api/v1/assets/1", headers=bearer("viewer")).get_data(as_text=True)
    page = client.get("/", headers=bearer("viewer")).get_data(as_text=True)
    assert "hunter2secret" not in body + page and "rt.example.org" in body


def test_the_command_line_makes_its_working_dir_private(tmp_path):
    from tests.web.shell.test_cli import run_cli

    state = tmp_path / "fresh" / "state"
    env = {"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(state)}
    out = run_cli("tags", "preview", env=env)
    assert out.returncode == 0, out.stderr
    for path in [state, *state.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
