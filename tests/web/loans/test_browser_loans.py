"""The loan desk in a real headless Chromium, typed into like a keyboard-wedge scanner.

One scenario against the real RT 5 of the harness (ten devices out to two students and back,
two of them damaged), and one burst of scans on the demo backend.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from tests.contract.loans.loan_world import REPAIR_QUEUE, _rt_world
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING
from tests.web.loans.test_browser_desk import (
    desk_app,
    page,
    served,
    shot,
    sign_in,
    wait_for_focus,
)

from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_web.app import create_app
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]
__all__ = ["page"]  # fixtures used by name (``browser`` is the session one in conftest)
STUDENTS = ("amara.okafor", "li.wei")
#: A keyboard-wedge scanner types a character every few milliseconds and ends with Enter.
SCANNER_DELAY_MS = 20


@contextmanager
def serving(app) -> Iterator[str]:
    """``app`` under waitress on a free loopback port (the desk tests' server): its URL."""
    running = served(app)
    try:
        yield next(running)
    finally:
        next(running, None)  # on to the server's shutdown after its yield


def scan(page, text: str, end: str = "Enter") -> None:
    page.keyboard.type(text, delay=SCANNER_DELAY_MS)
    page.keyboard.press(end)


def rows_of(page) -> list[dict[str, str]]:
    """Each queue row's scan, state and result, oldest first (the page shows the newest first)."""
    return page.eval_on_selector_all(
        "#queue tr",
        "trs => trs.reverse().map(tr => ({scan: tr.cells[1].firstChild.textContent,"
        " state: tr.dataset.state, detail: tr.cells[3].textContent}))",
    )


def wait_until_processed(page, rows: int, timeout: float = 180_000) -> list[dict[str, str]]:
    """Wait until the queue is empty with ``rows`` rows (or one is refused); the rows."""
    from playwright.sync_api import TimeoutError as Timeout

    try:
        page.wait_for_function(
            "n => document.querySelector('#queue tr[data-state=refused]')"
            " || (document.getElementById('desk').dataset.idle === 'yes'"
            " && document.querySelectorAll('#queue tr').length === n)",
            arg=rows,
            timeout=timeout,
        )
    except Timeout:
        pytest.fail(f"the queue did not finish: {rows_of(page)}")
    return rows_of(page)


def in_rt(backend, ids: list[int]) -> dict[int, tuple[str | None, str]]:
    """Each device's holder and status as RT has them (one search)."""
    return {a.id: (a.owner, a.status) for a in backend.iter_assets(AssetQuery(ids=ids))}


@pytest.mark.rt
def test_ten_devices_out_to_two_students_and_back_two_damaged(
    page, rt_server, rt_backend, tmp_path
):
    world = _rt_world(rt_server, rt_backend)
    ids = world.devices(10)  # ten of this test's own, loaded in one go
    names = {i: rt_backend.get_asset(i).name for i in ids}
    settings = {
        "RTUTILS_BACKEND": "rt",
        "RT_URL": rt_server.url,
        "RT_TOKEN": rt_server.token.reveal(),
        "RT_READ_TIMEOUT": "60",
        "WORKING_DIR": str(tmp_path / "state"),
        "RTUTILS_API_TOKENS": TOKEN_SETTING,
        "SECRET_KEY": SECRET_KEY,
    }
    app = create_app(Settings.from_env(settings))
    with serving(app) as url:
        sign_in(page, url)
        page.goto(f"{url}/desk/check-out")
        wait_for_focus(page, "person")
        for n, student in enumerate(STUDENTS):
            scan(page, student, end="Tab" if n else "Enter")
            wait_for_focus(page, "scan")
            for asset_id in ids[n * 5 : n * 5 + 5]:
                scan(page, names[asset_id])
            page.keyboard.press("Escape")  # the next person
            wait_for_focus(page, "person")
        out = wait_until_processed(page, 12)
        shot(page, "loans-01-checked-out")
        assert [r["state"] for r in out] == ["done"] * 12, out
        expected = {i: (STUDENTS[n // 5], "in-use") for n, i in enumerate(ids)}
        assert in_rt(rt_backend, ids) == expected

        page.goto(f"{url}/desk/check-in")
        wait_for_focus(page, "scan")
        damaged = {ids[2]: "broken screen", ids[7]: "keyboard"}
        for asset_id in ids:
            if asset_id in damaged:
                page.check("#condition-damaged")
                page.check(f"input[name=damage][value='{damaged[asset_id]}']")
                page.fill("#note", "dropped")
                page.focus("#scan")
            scan(page, names[asset_id])
        back = wait_until_processed(page, 10)
        shot(page, "loans-02-checked-in")
        assert [r["state"] for r in back] == ["done"] * 10, back
        assert [r["scan"] for r in back] == [names[i] for i in ids]
        assert "repair ticket #" in back[2]["detail"] and "repair ticket #" in back[7]["detail"]

        assert in_rt(rt_backend, ids) == {i: (None, "allocated") for i in ids}
        events = app.extensions["rtutils"].loans.loan_service().events()
        assert len(events) == 20
        tickets = {e.asset_id: e.ticket_id for e in events if e.ticket_id}
        assert set(tickets) == set(damaged)
        for asset_id, ticket_id in tickets.items():
            ticket = world.ticket(ticket_id)
            assert (ticket["queue"], ticket["refers_to"]) == (REPAIR_QUEUE, [asset_id])
        table = page.request.get(f"{url}/api/v1/loans.csv")
        rows = list(csv.DictReader(io.StringIO(table.text())))
        assert [(r["action"], int(r["asset_id"])) for r in rows] == [
            *(("check-out", i) for i in ids),
            *(("check-in", i) for i in ids),
        ]


def test_a_burst_of_thirty_scans_is_processed_completely_and_in_order(page, tmp_path):
    app = desk_app(tmp_path / "state")
    with serving(app) as url:
        backend = app.extensions["rtutils"].backend()
        tags = [f"W12-{n:05d}" for n in range(101, 131)]
        for tag in tags:
            backend.create_asset(AssetDraft(name=tag, catalog="Student Devices"))
        sign_in(page, url)
        page.goto(f"{url}/desk/check-out")
        wait_for_focus(page, "person")
        scan(page, "li.wei")
        wait_for_focus(page, "scan")
        for tag in tags:
            scan(page, tag)
        rows = wait_until_processed(page, 31)
        shot(page, "loans-03-burst")
        assert [r["scan"] for r in rows[1:]] == tags
        assert [r["state"] for r in rows] == ["done"] * 31
        events = app.extensions["rtutils"].loans.loan_service().events()
        assert [e.tag for e in events] == tags
