"""Forty desk writes in a real headless Chromium while RT (the real RT 5, behind
tests/rt_outage.py) cannot be reached: every scan is taken and queued at the desk's pace,
the pages count what waits, and when RT is back the replay makes every write in RT and the
desk marks its rows sent."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect
from tests.contract.outbox.outage_world import load_devices, settings
from tests.web.conftest import bearer
from tests.web.loans.test_browser_desk import shot, wait_for_focus
from tests.web.loans.test_browser_loans import in_rt, serving
from tests.web.scan_pages import desk_at, open_page, processed, wedge

from rtutils_core.loans import LoanFilter
from rtutils_core.students import Student
from rtutils_web.app import create_app

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.rt]

DEVICES = 10


@pytest.fixture
def page(browser):
    yield from open_page(browser, "laptop")


def queued_rows(page, count: int) -> None:
    rows = processed(page, count)
    assert [r["state"] for r in rows] == ["queued"] * count, rows


def test_forty_desk_writes_while_rt_is_away_are_all_taken_then_made_in_rt(
    page, rt_server, rt_backend, rt_outage, tmp_path
):
    prefix = "BR" + uuid.uuid4().hex[:6].upper() + "-"
    holders = [None] * DEVICES + ["amara.okafor"] * DEVICES
    ids = load_devices(rt_server, holders, prefix)
    tags = [f"{prefix}{n + 1:03d}" for n in range(2 * DEVICES)]
    app = create_app(
        settings(tmp_path / "state", rt_outage.url, rt_server.token.reveal(),
                 PREFIX=prefix, TAG_DIGITS="3")
    )  # fmt: skip
    container = app.extensions["rtutils"]
    container.jobs.job_service()
    people = {name: rt_backend.get_user(name) for name in ("li.wei", "zoe.muller")}
    container.students.roster().apply(
        [
            Student(f"S-{u.name}", u.name, "Student", "9", u.name, u.id, u.name)
            for u in people.values()
        ]
    )
    api = app.test_client()
    for asset_id in ids:  # the desk has seen every device (look-ups while RT answered)
        assert api.get(f"/api/v1/assets/{asset_id}", headers=bearer("operator")).status_code == 200

    with serving(app) as url:
        rt_outage.down()
        desk_at(page, url, "/desk/check-in", "scan")
        for tag in tags[DEVICES:]:  # amara's ten come back
            wedge(page, tag)
        queued_rows(page, DEVICES)
        expect(page.locator("#outbox-banner")).to_be_visible()
        expect(page.locator("#outbox-waiting")).to_have_text(str(DEVICES))
        shot(page, "outbox-01-check-in-queued")

        page.goto(f"{url}/desk/check-out")
        wait_for_focus(page, "person")
        wedge(page, "S-li.wei")  # a card from the roster
        wait_for_focus(page, "scan")
        for tag in tags[:DEVICES]:
            wedge(page, tag)
        wedge(page, "S-zoe.muller")  # the next card, into the device field
        for tag in tags[DEVICES:]:
            wedge(page, tag)
        rows = processed(page, 2 * DEVICES + 2)
        assert [r["state"] for r in rows] == (
            ["done"] + ["queued"] * DEVICES + ["switch"] + ["queued"] * DEVICES
        ), rows
        expect(page.locator("#outbox-waiting")).to_have_text(str(3 * DEVICES))
        shot(page, "outbox-02-check-out-queued")

        page.goto(f"{url}/desk/check-in")
        wait_for_focus(page, "scan")
        for tag in tags[:DEVICES]:  # li.wei's ten come back again
            wedge(page, tag)
        queued_rows(page, DEVICES)
        expect(page.locator("#outbox-waiting")).to_have_text(str(4 * DEVICES))
        assert container.outbox.outbox_store().depth().waiting == 4 * DEVICES

        rt_outage.up()
        job = container.jobs.job_service().run_here("outbox-replay", worker="test")
        assert job.result == {"applied": 4 * DEVICES, "set_aside": 0, "rt_unreachable": False}
        expect(page.locator("#outbox-banner")).to_be_hidden()
        expect(page.locator("#queue tr[data-state=sent]")).to_have_count(DEVICES)
        shot(page, "outbox-03-sent")

    expected = {i: (None, "allocated") for i in ids[:DEVICES]}
    expected |= {i: ("zoe.muller", "in-use") for i in ids[DEVICES:]}
    assert in_rt(rt_backend, ids) == expected
    loans = container.loans.loan_service()
    for asset_id in ids:
        events = loans.events(LoanFilter(asset_id=asset_id))
        assert [e.action for e in events] == (
            ["check-out", "check-in"] if asset_id in ids[:DEVICES] else ["check-in", "check-out"]
        )
