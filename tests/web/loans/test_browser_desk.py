"""The desk flow in a real headless Chromium against the app served by waitress.

Each step saves a screenshot to ``test-artifacts/`` (the run's artefact, not committed).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from tests.conftest import ROOT, free_port

# The session's Chromium (fixture ``browser``) and its settings are in tests/web/conftest.py;
# CHROMIUM and CHROMIUM_ARGS stay importable from here for modules that did so before.
from tests.web.conftest import (  # noqa: F401
    CHROMIUM,
    CHROMIUM_ARGS,
    SECRET_KEY,
    TOKEN_SETTING,
    TOKENS,
    watched_page,
)

from rtutils_web.app import create_app
from rtutils_web.cli.serve import wsgi_server
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ARTIFACTS = ROOT / "test-artifacts"


def desk_app(working_dir: Path) -> Flask:
    """The demo app with the test tokens, its state in ``working_dir``."""
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "WORKING_DIR": str(working_dir),
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "SECRET_KEY": SECRET_KEY,
        }
    )
    return create_app(settings)


def served(app: Flask) -> Iterator[str]:
    """``app`` under waitress, the production server, on a free loopback port: its URL."""
    port = free_port()
    server = wsgi_server(app, "127.0.0.1", port, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    """The app under waitress, the production server, on a free loopback port."""
    yield from served(desk_app(tmp_path_factory.mktemp("state")))


@pytest.fixture
def page(browser):
    yield from watched_page(
        browser,
        {"width": 1280, "height": 900},
        lambda response: response.request.resource_type == "document",
    )


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def wait_for_focus(page, element_id: str) -> None:
    """Autofocus lands once the page is rendered; a person (or scanner) is never faster."""
    # A locator assertion, not wait_for_function: the page's Content Security Policy forbids
    # the string evaluation that wait_for_function falls back to when it has to poll.
    expect(page.locator(f"#{element_id}")).to_be_focused()


def sign_in(page, live_url: str, role: str = "operator") -> None:
    page.goto(f"{live_url}/")
    assert "/login" in page.url
    wait_for_focus(page, "token")
    shot(page, "desk-01-login")
    # The token field has the focus: paste and press Enter, as the desk would.
    page.keyboard.type(TOKENS[role])
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_url}/")


def scan(page, text: str, field: str = "tag") -> None:
    """What a USB scanner does: type the characters into the focused field, then Enter."""
    wait_for_focus(page, field)
    page.keyboard.type(text, delay=5)
    page.keyboard.press("Enter")


def test_the_desk_flow_sign_in_scan_issue_preview(page, live_url):
    sign_in(page, live_url)
    assert page.locator("table.assets").inner_text().count("W12-0000") >= 3
    shot(page, "desk-02-home")
    scan(page, "W12-00003")
    page.wait_for_url(f"{live_url}/assets/3")
    assert page.locator("h1").inner_text() == "W12-00003"
    assert page.get_by_role("link", name="Open in Request Tracker").is_visible()
    shot(page, "desk-03-asset")
    # An asset without a tag yet: issue it one.
    page.get_by_role("link", name="Look up another").click()
    page.get_by_role("link", name="Zoë's loaner").click()
    page.wait_for_url(f"{live_url}/assets/13")
    shot(page, "desk-08-untagged-asset")
    page.get_by_role("button", name="Issue tag W12-00017").click()
    page.wait_for_url(f"{live_url}/assets/13")
    assert "Issued W12-00017" in page.get_by_role("status").inner_text()
    assert page.locator("h1").inner_text() == "W12-00017"
    page.wait_for_load_state("networkidle")
    assert preview_loaded(page)
    shot(page, "desk-09-tag-issued")
    # The new tag scans like any other, and its issue is in the event log.
    page.get_by_role("link", name="Look up another").click()
    scan(page, "W12-00017")
    page.wait_for_url(f"{live_url}/assets/13")
    page.get_by_role("link", name="Tag events").click()
    log = page.locator("table.events").inner_text()
    assert "W12-00017" in log and "assigned" in log and "operator-user" in log
    shot(page, "desk-10-events")


def test_a_mistyped_tag_keeps_the_field_focused_for_the_next_scan(page, live_url):
    sign_in(page, live_url)
    scan(page, "W12-00O42")
    assert "is not a tag of the form 'W12-00001'" in page.get_by_role("alert").inner_text()
    shot(page, "desk-04-bad-scan")
    scan(page, "W12-00002")
    page.wait_for_url(f"{live_url}/assets/2")


def preview_loaded(page) -> bool:
    return page.locator("img.label-preview").evaluate("img => img.complete && img.naturalWidth > 0")


def test_label_preview_and_print(page, live_url):
    sign_in(page, live_url)
    scan(page, "W12-00003")
    page.wait_for_url(f"{live_url}/assets/3")
    page.wait_for_load_state("networkidle")
    assert preview_loaded(page)
    shot(page, "desk-05-label-preview")
    page.select_option("#template", "small")
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state("networkidle")
    assert "template=small" in page.locator("img.label-preview").get_attribute("src")
    assert preview_loaded(page)
    shot(page, "desk-06-label-preview-small")
    with page.expect_popup() as popup_info:
        page.get_by_role("link", name="Print label").click()
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url.endswith("/api/v1/labels/W12-00003.pdf?template=small")


def test_batch_labels_from_scanned_tags(page, live_url):
    sign_in(page, live_url)
    page.get_by_role("link", name="Batch labels").click()
    page.wait_for_url(f"{live_url}/labels/batch")
    for tag in ("W12-00001", "W12-00404", "W12-00002"):
        scan(page, tag, field="tags")  # Enter is a new line in the list, not a submit
    page.locator("form").filter(has=page.locator("#tags")).get_by_role(
        "button", name="Check"
    ).click()
    page.wait_for_load_state()
    status = page.get_by_role("status").inner_text()
    assert "2 labels would print" in status and "W12-00404" in status
    shot(page, "desk-07-batch-check")


def test_an_admin_moves_a_sequence(page, live_url):
    sign_in(page, live_url, "admin")
    page.get_by_role("link", name="Sequences").click()
    page.fill("#next", "250")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Set").click()
    assert "now W12-00250" in page.get_by_role("status").inner_text()
    assert asked and asked[0].startswith("Move the sequence?")
    shot(page, "desk-11-sequences")
