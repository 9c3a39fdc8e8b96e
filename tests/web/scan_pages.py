"""What the scan pages' browser tests share: the two screens, a page whose unexpected
failures fail the test, a scanner's keystrokes, and waiting for the desk's queue."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from tests.web.conftest import watched_page
from tests.web.loans.test_browser_desk import sign_in, wait_for_focus

#: The two screens every page must work on: a desk's laptop and a phone.
SCREENS = {"laptop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}
#: A keyboard-wedge scanner types a character every few milliseconds and ends with Enter.
SCANNER_DELAY_MS = 10
#: The desks' refusals are answers (a device not found, no person yet, a serial in RT
#: already), not failures.
DESK_ANSWERS = ("/desk/loans/check-out", "/desk/loans/check-in", "/api/v1/assets")


def open_page(browser, screen: str) -> Iterator:
    """A page of ``screen`` size; unexpected failures fail the test (the desk's refusals are
    answers, not failures)."""

    def expected(response) -> bool:
        refusal = response.status in (404, 409) and response.url.endswith(DESK_ANSWERS)
        return refusal or response.request.resource_type == "document"

    yield from watched_page(browser, SCREENS[screen], expected)


def wedge(page, text: str, end: str = "Enter") -> None:
    """What a USB scanner does: the characters into whatever has the focus, then Enter."""
    page.keyboard.type(text, delay=SCANNER_DELAY_MS)
    page.keyboard.press(end)


def desk_at(page, url: str, path: str, first_field: str) -> None:
    sign_in(page, url)
    page.goto(f"{url}{path}")
    wait_for_focus(page, first_field)


def processed(page, rows: int) -> list[dict[str, str]]:
    """Wait until the desk's queue holds ``rows`` rows and is idle; the rows, oldest first."""
    expect(page.locator("#queue tr")).to_have_count(rows, timeout=60_000)
    expect(page.locator("#desk")).to_have_attribute("data-idle", "yes", timeout=60_000)
    found = [
        {
            "scan": tr.locator("td").nth(1).inner_text(),
            "state": tr.get_attribute("data-state") or "",
            "detail": tr.locator("td").nth(3).inner_text(),
        }
        for tr in page.locator("#queue tr").all()
    ]
    return list(reversed(found))


@pytest.fixture(params=list(SCREENS))
def screen(request) -> str:
    return request.param
