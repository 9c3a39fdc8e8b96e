"""The Receive devices desk in headless Chromium while RT cannot be reached, on the demo:
each scan's row is queued with its reserved tag and internal name, and with QR_TARGET=service
links to its label at once; the replay then makes each asset."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.unit.outbox.outbox_world import AwayBackend
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING, watched_page
from tests.web.intake.test_browser_intake_focus import choose_common_fields
from tests.web.loans.test_browser_desk import served
from tests.web.outbox.conftest import build_app
from tests.web.scan_pages import SCREENS, desk_at, wedge

from rtutils_adapters.memory import load_demo_backend
from rtutils_core.assets import AssetQuery
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SERIALS = ("AWAY-DESK-1", "AWAY-DESK-2")


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """The demo app under waitress with RT behind a switch; (url, rt, app)."""
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "demo",
            "WORKING_DIR": str(tmp_path_factory.mktemp("state")),
            "RTUTILS_API_TOKENS": TOKEN_SETTING,
            "SECRET_KEY": SECRET_KEY,
            "QR_TARGET": "service",
            "PUBLIC_URL": "https://desk.example",
        }
    )
    rt = AwayBackend(load_demo_backend())
    app = build_app(settings, rt)
    for url in served(app):
        yield url, rt, app


@pytest.fixture
def page(browser):
    yield from watched_page(
        browser, SCREENS["laptop"], lambda r: r.request.resource_type == "document"
    )


def test_scans_while_rt_is_away_are_queued_rows_with_their_tags_and_labels(page, desk):
    url, rt, app = desk
    desk_at(page, url, "/intake", "serial")
    choose_common_fields(page)  # while RT answers: the fields come from its catalog
    rt.away = True
    page.focus("#serial")
    for serial in SERIALS:
        wedge(page, serial)
    queued = page.locator("#devices tr.state-queued")
    expect(queued).to_have_count(2)
    for row in range(2):
        expect(queued.nth(row)).to_contain_text("RT cannot be reached")
        expect(queued.nth(row).get_by_role("link", name="Label (PDF)")).to_be_attached()
    expect(page.locator("#latest")).to_contain_text("queued")

    rt.away = False
    job = app.extensions["rtutils"].jobs.job_service().run_here("outbox-replay", worker="test")
    assert job.result["applied"] == 2, job.result
    for serial in SERIALS:
        found = rt.backend.iter_assets(AssetQuery(custom_fields={"Serial Number": serial}))
        assert len(list(found)) == 1
