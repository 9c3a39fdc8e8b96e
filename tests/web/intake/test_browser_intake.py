"""The intake desk in headless Chromium against the real RT 5 of the harness: the issue's
scenario of 50 serials from a keyboard-wedge scanner, and a serial scanned twice.

Slow by nature: the desk sends one device after the other, three RT requests each.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect
from tests.intake_world import formats_for
from tests.rt_harness import STUDENT_DEVICES
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING, watched_page
from tests.web.loans.test_browser_desk import served, shot, sign_in

from rtutils_core.assets import AssetQuery
from rtutils_web.app import create_app
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.rt, pytest.mark.slow]

SCANS = 50  # the figure
CHOSEN = {"manufacturer": "Lenovo", "type": "Chromebook", "funding_source": "E-Rate"}
MODEL = "Chromebook 314"  # a Combobox: typed, not chosen
#: Seconds the whole queue may take: RT under heavy load needs up to ~5 s per device.
QUEUE_SECONDS = 600


@pytest.fixture(scope="module")
def desk_on_rt(rt_server, tmp_path_factory):
    """The app on the real RT under waitress, with a tag prefix of its own; (url, prefix)."""
    state = tmp_path_factory.mktemp("intake-state")
    prefix = formats_for(state).default.prefix
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "rt",
            "RT_URL": rt_server.url,
            "RT_TOKEN": rt_server.token.reveal(),
            "RT_READ_TIMEOUT": "60",
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "SECRET_KEY": SECRET_KEY,
            "WORKING_DIR": str(state),
            "PREFIX": prefix,
        }
    )
    for url in served(create_app(settings)):
        yield url, prefix


@pytest.fixture
def page(browser):  # the session's browser (tests/web/conftest.py)
    """A page whose failures fail the test, except the one 409 this scenario asks for."""
    yield from watched_page(
        browser,
        {"width": 1280, "height": 900},
        lambda response: response.status == 409 and response.url.endswith("/api/v1/assets"),
    )


def choose_common_fields(page) -> None:
    page.select_option("#catalog", STUDENT_DEVICES)
    # The field controls are built from the catalog's fields as RT describes them.
    choice = page.locator("select#manufacturer option[value=Lenovo]")
    expect(choice).to_be_attached()
    for name, value in CHOSEN.items():
        page.select_option(f"#{name}", value)
    page.fill("#model", MODEL)


def scan_all(page, serials: list[str]) -> None:
    """A keyboard-wedge scanner: characters then Enter, no pause between scans."""
    page.focus("#serial")
    for serial in serials:
        page.keyboard.type(serial)
        page.keyboard.press("Enter")


def test_fifty_scans_become_fifty_assets_and_a_second_scan_creates_nothing(
    page, desk_on_rt, rt_backend
):
    url, prefix = desk_on_rt
    run = uuid.uuid4().hex[:6].upper()
    serials = [f"{run}{n:02d}" for n in range(SCANS)]
    sign_in(page, url)
    page.goto(f"{url}/intake")
    choose_common_fields(page)
    scan_all(page, serials)
    # Every scan is in the table at once, before RT has answered for most of them.
    expect(page.locator("#devices tr")).to_have_count(SCANS)
    created = page.locator("#devices tr.state-created")
    expect(created).to_have_count(SCANS, timeout=QUEUE_SECONDS * 1000)
    shot(page, "intake-01-fifty-scans")

    in_rt = list(rt_backend.iter_assets(AssetQuery(name_prefix=prefix)))
    by_serial = {a.cf("Serial Number"): a for a in in_rt}
    assert len(in_rt) == SCANS and sorted(by_serial) == serials
    assert len({a.name for a in in_rt}) == SCANS
    assert len({a.cf("Internal Name") for a in in_rt}) == SCANS
    expected = {"Manufacturer": "Lenovo", "Model": MODEL, "Type": "Chromebook"}
    expected["Funding Source"] = "E-Rate"
    for asset in in_rt:
        assert asset.catalog == STUDENT_DEVICES
        assert {k: asset.cf(k) for k in expected} == expected, asset
        assert asset.cf("Internal Name"), asset
    # The table shows what RT holds: serial, tag and internal name of each row.
    for row in page.locator("#devices tr").all():
        cells = row.locator("td").all_inner_texts()
        asset = by_serial[cells[1]]
        assert (cells[2], cells[3]) == (asset.name, asset.cf("Internal Name"))

    # A reload keeps the table (this tab's) and the common fields (this browser's).
    page.reload()
    expect(page.locator("#devices tr.state-created")).to_have_count(SCANS)
    expect(page.locator("#manufacturer")).to_have_value("Lenovo")
    expect(page.locator("#model")).to_have_value(MODEL)

    # The same serial again: the row names the asset that has it, and nothing is created.
    first = by_serial[serials[0]]
    scan_all(page, [serials[0]])
    exists = page.locator("#devices tr.state-exists")
    expect(exists).to_have_count(1)
    link = exists.get_by_role("link")
    expect(link).to_have_text(f"asset {first.id} ({first.name})")
    assert link.get_attribute("href") == f"/assets/{first.id}"
    shot(page, "intake-02-serial-exists")
    assert len(list(rt_backend.iter_assets(AssetQuery(name_prefix=prefix)))) == SCANS
    again = AssetQuery(custom_fields={"Serial Number": serials[0]})
    assert [a.id for a in rt_backend.iter_assets(again)] == [first.id]
    page.get_by_role("button", name="Clear these fields").click()
    expect(page.locator("#catalog")).to_have_value("")
    assert page.evaluate("localStorage.getItem('rtutils_intake_common')") is None
