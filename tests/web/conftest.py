"""An app with one token per role, and clients that use them."""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path

import pytest

from rtutils_web.app import create_app
from rtutils_web.logs import configure_logging
from rtutils_web.settings import Settings


def made_up_token(seed: str) -> str:
    """A token as random as a real one, made at run time (no committed line looks like one)."""
    return f"{seed[:4]}-" + hashlib.sha256(seed.encode()).hexdigest()[:28]


TOKENS = {role: made_up_token(role) for role in ("viewer", "operator", "admin")}
TOKEN_SETTING = ",".join(f"{role}-user:{role}:{token}" for role, token in TOKENS.items())
RT_TOKEN = "1-77-rt0123456789abcdef0123456789abcdef"
SECRET_KEY = made_up_token("session-key")  # signs cookies; as random as the rule wants
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def bearer(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


@pytest.fixture
def web_settings(tmp_path) -> Settings:
    """Demo backend, three tokens, and an RT token that must never show up anywhere."""
    return Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "WORKING_DIR": str(tmp_path / "state"),
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "RT_TOKEN": RT_TOKEN,
            "SECRET_KEY": SECRET_KEY,
            "MAX_BATCH": "5",
            "EXTRA_PREFIXES": "TEST-",
        }
    )


@pytest.fixture
def no_web_app(monkeypatch):
    """The command a test runs in process may build the services it needs, not the app."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("the command built the web app")

    monkeypatch.setattr("rtutils_web.app.create_app", refuse)


@pytest.fixture
def app(web_settings):
    return create_app(web_settings)


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the form at ``path``, as a browser would read it."""
    match = _CSRF.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token in the form at {path}"
    return match.group(1)


def sign_in(client, role: str = "operator"):
    response = client.post("/login", data={"token": TOKENS[role], "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response


@pytest.fixture
def desk(client):
    """A browser-like client signed in as an operator."""
    sign_in(client, "operator")
    return client


@pytest.fixture
def log_lines(web_settings):
    """The JSON log lines written while the test runs, optionally only one event's."""
    stream = io.StringIO()
    configure_logging(level="INFO", fmt="json", secrets=web_settings.secrets(), stream=stream)

    def lines(event: str | None = None) -> list[dict]:
        parsed = [json.loads(line) for line in stream.getvalue().splitlines()]
        return [p for p in parsed if event is None or p["event"] == event]

    yield lines
    configure_logging(level="INFO", fmt="console")


# -- the headless browser: one Chromium for the whole session ------------------------------
# Starting Chromium costs seconds; every browser test module shares this one and opens its
# own context (cookies, storage) per test, e.g. tests/web/loans/test_browser_desk.py's ``page``.

CHROMIUM = Path("/usr/bin/chromium")
#: How long a browser test waits for a condition (an element, a state, a page) before it
#: fails. Playwright's 5 s default is a duration a busy 2-core machine can exceed; this is
#: only the bound that turns a hang into a failure, so it is generous.
BROWSER_WAIT_MS = 120_000
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under playwright, started on first use, once per session."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed at /usr/bin/chromium (scripts/setup.sh)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=BROWSER_WAIT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def watched_page(browser, viewport: dict[str, int], expected=lambda response: False):
    """A page of ``viewport`` size whose console errors, page errors and failed requests fail
    the test when it ends (a generator for a fixture); ``expected(response)`` says which
    failed answers the test asks for. A page answered 400/404 on purpose is reported as a
    failed load; its parts are not."""
    context = browser.new_context(viewport=viewport)
    context.set_default_timeout(BROWSER_WAIT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400 and not expected(response):
            errors.append(f"{response.status} for {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"the browser reported errors (CSP violations, missing files): {errors}"
