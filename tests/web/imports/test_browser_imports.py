"""The desk's CSV import in a real headless Chromium: check a file, import it, and follow the
progress page, which reloads itself and survives a reload of the browser, to the result file.

The app runs under waitress with the job worker inside, as ``request-tracker-utils serve``
runs it by default.
"""

from __future__ import annotations

import csv

import pytest
from tests.web.loans.test_browser_desk import (  # noqa: F401 (fixtures)
    desk_app,
    page,
    served,
    shot,
    sign_in,
)

from rtutils_adapters.jobs import JobWorker

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROWS = 40
BAD = {7: "Student Devices,BRW-0005,HP,,Chromebook,Title I"}  # row 7: no model


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    """The demo app under waitress on a free loopback port, with its job worker running."""
    app = desk_app(tmp_path_factory.mktemp("state"))
    container = app.extensions["rtutils"]
    worker = JobWorker(container.jobs.job_service(), container.jobs.job_queue(), tick=0.2)
    worker.start()
    yield from served(app)
    worker.stop()


def csv_file(tmp_path):
    lines = ["Catalog,Serial Number,Manufacturer,Model,Type,Funding Source"]
    for number in range(2, ROWS + 2):
        good = f"Student Devices,BRW-{number:04d},HP,Chromebook 11 G9,Chromebook,E-Rate"
        lines.append(BAD.get(number, good))
    path = tmp_path / "devices.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def test_check_import_and_follow_the_progress_across_a_reload(page, live_url, tmp_path):  # noqa: F811
    source = csv_file(tmp_path)
    sign_in(page, live_url)
    page.get_by_role("link", name="Import").click()
    page.wait_for_url(f"{live_url}/intake/import")

    page.set_input_files("#file", str(source))
    page.get_by_role("button", name="Check (dry run)").click()
    problems = page.locator("table.problems tbody tr")
    assert problems.count() == 1
    assert problems.first.inner_text().split("\t")[:2] == ["7", "model"]
    assert "39 to create, 0 imported before, 1 with problems" in page.inner_text("section")
    shot(page, "import-01-dry-run")

    page.set_input_files("#file", str(source))
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(f"{live_url}/intake/import/*")
    progress_url = page.url
    page.reload()  # the job is found again by its address
    assert page.url == progress_url
    page.wait_for_selector('[data-state="succeeded"]')  # it reloads itself
    assert page.get_attribute("progress", "value") == str(ROWS)
    assert "39 created, 0 imported before, 1 failed" in page.inner_text(".job-state")
    shot(page, "import-02-done")

    with page.expect_download() as download:
        page.get_by_role("link", name="Result file (CSV)").click()
    rows = list(csv.DictReader(open(download.value.path(), encoding="utf-8")))  # noqa: SIM115
    assert len(rows) == ROWS
    assert [r["row"] for r in rows if r["state"] == "failed"] == ["7"]
    assert len({r["tag"] for r in rows if r["state"] == "created"}) == ROWS - 1
