"""Printing from desk pages in a real headless Chromium: static/printing.js queues the labels,
a real job worker (huey on SQLite) sends them to a stand-in Brother QL, and the page shows
each job's progress until it is sent. The batch page's "Send to printer", and the intake
desk's "print each label after its scan"."""

from __future__ import annotations

import uuid

import pytest
import zxingcpp
from playwright.sync_api import expect
from tests.printer_standins import StandInQL, read_raster
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING
from tests.web.loans.test_browser_desk import (  # noqa: F401 - page is a fixture
    page,
    served,
    shot,
    sign_in,
)
from tests.web.printing.test_api_printing import printed_tags

from rtutils_adapters.jobs import JobWorker
from rtutils_core.assets import AssetQuery
from rtutils_web.app import create_app
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def printing_desk(tmp_path):
    """The app under waitress with its job worker, printing to a stand-in QL.

    Asked for before ``page``, so the browser closes first and the server stops at once.
    Yields (url, stand-in, app).
    """
    with StandInQL() as ql:
        settings = Settings.from_env(
            {
                "RTUTILS_BACKEND": "demo",
                "WORKING_DIR": str(tmp_path / "state"),
                "RTUTILS_API_TOKENS": TOKEN_SETTING,
                "SECRET_KEY": SECRET_KEY,
                "PRINTERS": f"desk=brother-ql,{ql.address},QL-820NWB,62",
            }
        )
        app = create_app(settings)
        container = app.extensions["rtutils"]
        worker = JobWorker(
            container.jobs.job_service(), container.jobs.job_queue(), threads=1, tick=0.2
        )
        worker.start()
        server = served(app)
        try:
            yield next(server), ql, app
        finally:
            next(server, None)  # stops the server
            worker.stop()


def test_the_batch_page_sends_to_the_printer_and_shows_the_progress(printing_desk, page, tmp_path):  # noqa: F811
    live_url, ql, _ = printing_desk
    sign_in(page, live_url)
    page.goto(f"{live_url}/labels/batch")
    page.fill("#tags", "W12-00002\nW12-00003")
    page.click("form:has(#tags) [data-print-form]")
    status = page.locator("form:has(#tags) [data-print-status]")
    status.locator("text=Sent: 2 of 2 labels printed.").wait_for()
    shot(page, "printing-01-batch-sent")
    assert page.url == f"{live_url}/labels/batch"  # stayed on the page: the script sent it
    assert printed_tags(ql.jobs, tmp_path) == ["W12-00002", "W12-00003"]


def test_intake_prints_each_label_after_its_scan(printing_desk, page, tmp_path):  # noqa: F811
    live_url, ql, app = printing_desk
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.url.endswith("/printing/print") else None)
    sign_in(page, live_url)
    page.goto(f"{live_url}/intake")
    page.select_option("#catalog", "Student Devices")
    expect(page.locator("select#manufacturer option[value=Lenovo]")).to_be_attached()
    for name, value in {
        "manufacturer": "Lenovo",
        "type": "Chromebook",
        "funding_source": "E-Rate",
    }.items():
        page.select_option(f"#{name}", value)
    page.fill("#model", "Chromebook 3100")
    expect(page.locator("#printer")).to_have_value("desk")  # this browser's printer
    page.check("#print-each")
    serials = [f"{uuid.uuid4().hex[:8].upper()}{n}" for n in range(3)]
    page.focus("#serial")
    for serial in serials:  # a scanner: characters then Enter, no pause
        page.keyboard.type(serial)
        page.keyboard.press("Enter")
    # Each row shows its own print job's state until the label is sent.
    expect(page.locator("#devices tr[data-label=sent]")).to_have_count(3)
    expect(page.locator("#devices tr").first).to_contain_text("created, label sent")
    shot(page, "printing-02-intake-each-scan")
    assert len(sent) == 3

    backend = app.extensions["rtutils"].backend()
    made = {}
    for serial in serials:
        (asset,) = backend.iter_assets(AssetQuery(custom_fields={"Serial Number": serial}))
        made[asset.name] = backend.asset_url(asset.id)
    # What came out of the printer: one label per new tag, its QR code the asset's page.
    printed = {}
    for job in ql.jobs:
        (label,) = read_raster(job, tmp_path / "pages")
        codes = {r.format.name: r.text for r in zxingcpp.read_barcodes(label)}
        printed[codes["Code128"]] = codes["QRCode"]
    assert len(ql.jobs) == 3 and printed == made
