"""The README's tour of the desk: each desk page at 1366x768 and 390x844, as a technician
sees it mid-work. Written to ``test-artifacts/``; with ``RTUTILS_WRITE_SCREENSHOTS=1`` to
``docs/screenshots/`` too (commit them with a change of a page)."""

from __future__ import annotations

import os
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from tests.conftest import ROOT
from tests.web.intake.test_browser_intake_focus import choose_common_fields
from tests.web.loans.test_browser_desk import ARTIFACTS, desk_app, served, wait_for_focus
from tests.web.scan_pages import desk_at, open_page, processed, screen, wedge
from tests.web.shell.test_browser_pages import start_audit

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["screen"]  # a fixture used by name

DOCS = ROOT / "docs" / "screenshots"
#: The tour's pictures, in the README's order.
TOUR = ("lookup", "check-out", "check-in", "intake", "asset", "search", "audit", "overdue")


@pytest.fixture
def live_url(tmp_path):
    yield from served(desk_app(tmp_path / "state"))


@pytest.fixture
def page(browser, screen):
    yield from open_page(browser, screen)


def picture(page, name: str, screen: str) -> None:
    page.wait_for_load_state("networkidle")
    targets = [ARTIFACTS]
    if os.environ.get("RTUTILS_WRITE_SCREENSHOTS") == "1":
        targets.append(DOCS)
    for folder in targets:
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"{name}-{screen}.png"))


def test_the_tour_of_the_desk(page, live_url, screen):
    desk_at(page, live_url, "/", "tag")
    picture(page, "lookup", screen)
    page.goto(f"{live_url}/desk/check-out")
    wait_for_focus(page, "person")
    # Due the day after tomorrow: the Overdue page at the end shows the loans due soon.
    page.fill("#due", (date.today() + timedelta(days=2)).isoformat())
    page.focus("#person")
    for text in ("li.wei", "W12-00002", "W12-00005", "100105", "W12-00011"):
        wedge(page, text)
    processed(page, 5)
    picture(page, "check-out", screen)
    page.goto(f"{live_url}/desk/check-in")
    wait_for_focus(page, "scan")
    wedge(page, "W12-00002")
    page.get_by_label("broken screen").click()
    wedge(page, "W12-00005")
    page.get_by_label("keyboard").click()
    processed(page, 2)
    picture(page, "check-in", screen)
    page.goto(f"{live_url}/intake")
    wait_for_focus(page, "serial")
    choose_common_fields(page)
    page.focus("#serial")
    for serial in ("5CD4410ABC", "5CD4410ABD"):
        wedge(page, serial)
    expect(page.locator("#devices tr.state-created")).to_have_count(2)
    picture(page, "intake", screen)
    page.goto(f"{live_url}/assets/11")
    picture(page, "asset", screen)
    page.goto(f"{live_url}/search?q=Library")
    picture(page, "search", screen)
    start_audit(page, live_url)
    for text in ("W12-00002", "W12-00003", "W12-00003", "W12-00001", "W12-99999"):
        wedge(page, text)
    processed(page, 5)
    picture(page, "audit", screen)
    page.goto(f"{live_url}/desk/overdue")
    picture(page, "overdue", screen)


def test_the_readme_shows_every_picture_of_the_tour():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in TOUR:
        for screen_name in ("laptop", "phone"):
            picture_file = f"docs/screenshots/{name}-{screen_name}.png"
            assert picture_file in readme, picture_file
            assert (ROOT / picture_file).exists(), picture_file
