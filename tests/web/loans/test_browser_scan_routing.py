"""The loan desk on a handout day, typed into as a keyboard-wedge scanner types, on a laptop
and on a phone: a card scanned where a device was expected, an unknown card, a damage box
clicked between two scans, a student's card at check-out and at check-in."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.web.loans.test_browser_desk import desk_app, served, shot, wait_for_focus
from tests.web.scan_pages import desk_at, open_page, processed, screen, wedge

from rtutils_core.scans.service import ScanService

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["screen"]  # a fixture used by name


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The demo app under waitress, its state fresh for this module: (url, app)."""
    app = desk_app(tmp_path_factory.mktemp("state"))
    for url in served(app):
        yield url, app


@pytest.fixture
def page(browser, screen):
    yield from open_page(browser, screen)


def holders(app, *names: str) -> dict[str, tuple[str, ...]]:
    """Who holds each device (by Name) in the loan role, as the backend has it."""
    container = app.extensions["rtutils"]
    options = container.loans.loan_service().options
    found = {}
    for name in names:
        asset = (
            ScanService(
                container.asset_service(),
                container.loans.loan_service(),
                container.students.roster(),
            )
            .identify(name)
            .asset
        )
        found[name] = options.holders(asset)
    return found


def loan_events(app, *names: str):
    return [e for e in app.extensions["rtutils"].loans.loan_service().events() if e.tag in names]


def test_a_forgotten_escape_never_gives_a_device_to_the_previous_student(page, desk, screen):
    url, app = desk
    devices = {
        "laptop": ("W12-00002", "W12-00005", "W12-00011"),
        "phone": ("W12-00014", "W12-00016", "Charger bin 6"),
    }
    first, second, third = devices[screen]
    desk_at(page, url, "/desk/check-out", "person")
    wedge(page, "li.wei")
    wait_for_focus(page, "scan")
    wedge(page, first)
    # No Escape: the next student's card goes into Device.
    wedge(page, "jose.garcia")
    wedge(page, second)
    rows = processed(page, 4)
    assert [r["state"] for r in rows] == ["done", "done", "switch", "done"], rows
    assert "now Jose Garcia" in rows[2]["detail"]
    expect(page.locator("#desk-banner")).to_contain_text(
        "New person: now checking out to Jose Garcia"
    )
    expect(page.locator("#current-person")).to_contain_text("Jose Garcia")
    shot(page, f"scan-routing-switch-{screen}")
    # A card RT does not know: the desk forgets the person; the next device goes to nobody.
    wedge(page, "john.doe")
    wedge(page, third)
    rows = processed(page, 6)
    assert [r["state"] for r in rows[4:]] == ["refused", "refused"], rows
    assert "the desk forgot them" in rows[4]["detail"]
    assert "scan the person first" in rows[5]["detail"]
    expect(page.locator("#current-person")).not_to_contain_text("Jose Garcia")
    assert holders(app, first, second, third) == {
        first: ("li.wei",),
        second: ("jose.garcia",),
        third: (),
    }


def test_clicking_a_damage_between_scans_loses_no_scan_and_marks_the_next_one(page, desk, screen):
    url, app = desk
    back = {"laptop": ("W12-00003", "W12-00009"), "phone": ("W12-00006", "W12-00010")}
    plain, damaged = back[screen]
    desk_at(page, url, "/desk/check-in", "scan")
    wedge(page, plain)
    # The mouse ticks a damage (not "damaged" itself): the scanner types straight on.
    page.get_by_label("broken screen").click()
    expect(page.locator("#condition-damaged")).to_be_checked()
    expect(page.locator("#marks")).to_contain_text("damaged: broken screen")
    wedge(page, damaged)
    rows = processed(page, 2)
    assert [r["state"] for r in rows] == ["done", "done"], rows
    assert rows[1]["scan"].startswith(damaged) and "damaged: broken screen" in rows[1]["scan"]
    expect(page.locator("#condition-ok")).to_be_checked()
    expect(page.get_by_label("broken screen")).not_to_be_checked()
    events = {e.tag: e for e in loan_events(app, plain, damaged) if e.action == "check-in"}
    assert (events[plain].condition, events[plain].damages) == ("ok", ())
    assert (events[damaged].condition, events[damaged].damages) == ("damaged", ("broken screen",))
    # A check-in again of the same device is "already done", not an error.
    wedge(page, plain)
    rows = processed(page, 3)
    assert rows[2]["state"] == "already", rows
    shot(page, f"scan-routing-damage-{screen}")


def test_a_student_card_checks_out_and_in(page, desk, screen):
    url, app = desk
    card, login, device = {
        "laptop": ("100108", "sofia.rossi", "W12-00013"),
        "phone": ("100102", "bjorn.ostberg", "W12-00015"),
    }[screen]
    desk_at(page, url, "/desk/check-out", "person")
    wedge(page, card)
    wait_for_focus(page, "scan")
    wedge(page, device)
    rows = processed(page, 2)
    assert [r["state"] for r in rows] == ["done", "done"], rows
    assert f"student {card}" in rows[0]["detail"]
    assert holders(app, device) == {device: (login,)}
    page.goto(f"{url}/desk/check-in")
    wait_for_focus(page, "scan")
    wedge(page, card)
    rows = processed(page, 1)
    assert device in page.locator("#current-person").inner_text()
    page.get_by_role("button", name="Check in all of").click()
    rows = processed(page, 2)
    assert rows[1]["state"] == "done", rows
    assert holders(app, device) == {device: ()}


def test_marking_a_damage_from_the_keyboard_takes_one_chord(page, desk, screen):
    url, app = desk
    device = {"laptop": "W12-00012", "phone": "W12-00004"}[screen]
    desk_at(page, url, "/desk/check-in", "scan")
    page.keyboard.press("Alt+2")  # the second damage: missing charger
    expect(page.locator("#marks")).to_contain_text("damaged: missing charger")
    wait_for_focus(page, "scan")
    wedge(page, device)
    rows = processed(page, 1)
    assert rows[0]["state"] == "done", rows
    back = [e for e in loan_events(app, device) if e.action == "check-in"][-1]
    assert (back.condition, back.damages) == ("damaged", ("missing charger",))
