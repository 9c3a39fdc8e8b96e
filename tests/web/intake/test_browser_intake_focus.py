"""The intake desk on the demo, on a laptop and a phone: a click on *Print label* or *Print
all* between two scans loses no scan (and its Enter opens no PDF again), a serial scanned
twice is "already in RT" beside the field, and *New list* asks before it drops labels never
printed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.web.loans.test_browser_desk import desk_app, served, wait_for_focus
from tests.web.scan_pages import desk_at, open_page, screen, wedge

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["screen"]  # a fixture used by name

SERIALS = {"laptop": ("FOCUS-L-1", "FOCUS-L-2"), "phone": ("FOCUS-P-1", "FOCUS-P-2")}


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    yield from served(desk_app(tmp_path_factory.mktemp("state")))


@pytest.fixture
def page(browser, screen):
    yield from open_page(browser, screen)


def choose_common_fields(page) -> None:
    page.select_option("#catalog", "Student Devices")
    expect(page.locator("select#manufacturer option[value=Lenovo]")).to_be_attached()
    for name, value in {"manufacturer": "Lenovo", "type": "Chromebook"}.items():
        page.select_option(f"#{name}", value)
    page.select_option("#funding_source", "E-Rate")
    page.fill("#model", "Chromebook 314")


def test_print_between_scans_loses_no_scan(page, live_url, screen):
    first, second = SERIALS[screen]
    desk_at(page, live_url, "/intake", "serial")
    choose_common_fields(page)
    page.focus("#serial")
    wedge(page, first)
    expect(page.locator("#devices tr.state-created")).to_have_count(1)
    with page.context.expect_page() as popup:
        page.get_by_role("button", name="Print all").click()
    popup.value.close()
    # The scanner types straight on: the serial goes into the field, its Enter adds it.
    wedge(page, second)
    expect(page.locator("#devices tr.state-created")).to_have_count(2)
    assert len(page.context.pages) == 1, "the second scan's Enter opened a PDF again"
    with page.context.expect_page() as popup:
        page.locator("#devices tr").first.get_by_role("button", name="Print label").click()
    popup.value.close()
    wedge(page, first)  # the same serial again: in RT already, shown beside the field
    expect(page.locator("#devices tr.state-exists")).to_have_count(1)
    expect(page.locator("#latest")).to_contain_text(f"{first}: already in RT")
    wait_for_focus(page, "serial")


def test_a_new_list_asks_before_dropping_labels_never_printed(page, live_url, screen):
    desk_at(page, live_url, "/intake", "serial")
    choose_common_fields(page)
    page.focus("#serial")
    wedge(page, f"NEWLIST-{screen}")
    expect(page.locator("#devices tr.state-created")).to_have_count(1)
    asked: list[str] = []

    def say_no(dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", say_no)
    page.get_by_role("button", name="New list").click()
    expect(page.locator("#devices tr")).to_have_count(1)
    assert asked and "never printed" in asked[0]
