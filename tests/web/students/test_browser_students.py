"""The return campaign in a real headless Chromium: filter by grade, open a student, record a
manual check-in, undo it; the dashboard's figures follow. One scenario (browser time is dear).
"""

from __future__ import annotations

import pytest
from tests.web.loans.test_browser_desk import live_url, page, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["live_url", "page"]  # fixtures shared with the desk's browser test


def grade_figure(page, live_url: str, grade: str, column: str) -> str:
    page.goto(f"{live_url}/returns")
    return page.locator(f'#figures tr[data-grade="{grade}"] td.{column}').inner_text()


def test_filter_open_a_student_check_in_by_hand_and_undo(page, live_url):
    sign_in(page, live_url)
    before = grade_figure(page, live_url, "8", "outstanding")
    assert page.locator("svg.returns-chart").is_visible()
    shot(page, "students-01-dashboard")
    page.locator("main").get_by_role("link", name="Students", exact=True).click()
    page.select_option("#grade", "8")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.students tbody tr")
    assert rows.count() == 3 and "Kovacs" in rows.nth(1).inner_text()
    shot(page, "students-02-grade-8")
    page.get_by_role("link", name="100104").click()
    assert page.locator("#state").inner_text() == "outstanding"
    page.select_option("#kind", "paid")
    page.fill("#reason", "paid for the device")
    page.get_by_role("button", name="Record manual check-in").click()
    page.wait_for_load_state()
    assert page.locator("#state").inner_text() == "returned"
    shot(page, "students-03-manual-check-in")
    after = grade_figure(page, live_url, "8", "outstanding")
    assert int(after) == int(before) - 1  # Erzsebet held one device
    page.goto(f"{live_url}/students/100104")
    page.locator("table.manual input[name=reason]").fill("entered by mistake")
    page.get_by_role("button", name="Undo").click()
    page.wait_for_load_state()
    assert page.locator("#state").inner_text() == "outstanding"
    assert "undo of #" in page.locator("table.manual").inner_text()
    shot(page, "students-04-undone")
    assert grade_figure(page, live_url, "8", "outstanding") == before
