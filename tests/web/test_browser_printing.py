"""The batch page's "Send to printer" in a real headless Chromium: static/printing.js queues
the batch, a real job worker (huey on SQLite) sends it to a stand-in Brother QL, and the page
shows the job's progress until it is sent."""

from __future__ import annotations

import pytest
from tests.printer_standins import StandInQL
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING
from tests.web.test_api_printing import printed_tags
from tests.web.test_browser_desk import (  # noqa: F401 - page is a fixture
    page,
    served,
    shot,
    sign_in,
)

from rtutils_adapters.jobs import JobWorker
from rtutils_web.app import create_app
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def printing_desk(tmp_path):
    """The app under waitress with its job worker, printing to a stand-in QL.

    Asked for before ``page``, so the browser closes first and the server stops at once.
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
        worker = JobWorker(container.job_service(), container.job_queue(), threads=1, tick=0.2)
        worker.start()
        server = served(app)
        try:
            yield next(server), ql
        finally:
            next(server, None)  # stops the server
            worker.stop()


def test_the_batch_page_sends_to_the_printer_and_shows_the_progress(printing_desk, page, tmp_path):  # noqa: F811
    live_url, ql = printing_desk
    sign_in(page, live_url)
    page.goto(f"{live_url}/labels/batch")
    page.fill("#tags", "W12-00002\nW12-00003")
    page.click("form:has(#tags) [data-print-form]")
    status = page.locator("form:has(#tags) [data-print-status]")
    status.locator("text=Sent: 2 of 2 labels printed.").wait_for(timeout=15000)
    shot(page, "printing-01-batch-sent")
    assert page.url == f"{live_url}/labels/batch"  # stayed on the page: the script sent it
    assert printed_tags(ql.jobs, tmp_path) == ["W12-00002", "W12-00003"]
