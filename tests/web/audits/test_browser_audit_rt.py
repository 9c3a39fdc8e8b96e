"""An audit against the real RT 5, typed into as a keyboard-wedge scanner types, by two desks
at once: a location of 60 devices, 55 of them scanned (five by both desks), 3 from another
location and 2 unknown tags. The result names exactly the 5 missing, the 3 unexpected and the
2 unknown; finishing writes Last Audited to the 55 and only them; a second finish writes
nothing."""

from __future__ import annotations

import time

import pytest
import requests
from playwright.sync_api import expect
from tests.contract.audits.audit_world import audit_world
from tests.web.conftest import SECRET_KEY, TOKEN_SETTING, bearer, watched_page
from tests.web.loans.test_browser_desk import served, shot, sign_in, wait_for_focus
from tests.web.scan_pages import SCREENS, processed, wedge

from rtutils_adapters.jobs import JobWorker
from rtutils_core.assets import AssetQuery
from rtutils_web.app import create_app
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.rt]
__all__ = ["audit_world"]  # a fixture used by name
#: How long a job may take on a busy machine before the test fails (a bound, not a pause).
JOB_DEADLINE = 300.0


@pytest.fixture
def rt_app(rt_server, audit_world, tmp_path):
    settings = {
        "RTUTILS_BACKEND": "rt",
        "RT_URL": rt_server.url,
        "RT_TOKEN": rt_server.token.reveal(),
        "RT_READ_TIMEOUT": "60",
        "WORKING_DIR": str(tmp_path / "state"),
        "RTUTILS_API_TOKENS": TOKEN_SETTING,
        "SECRET_KEY": SECRET_KEY,
        "PREFIX": audit_world.prefix,
        "AUDIT_WRITE_RATE": "50/second",
    }
    app = create_app(Settings.from_env(settings))
    container = app.extensions["rtutils"]
    worker = JobWorker(container.jobs.job_service(), container.jobs.job_queue(), tick=0.2)
    worker.start()
    for url in served(app):
        yield url, app
    worker.stop()


@pytest.fixture
def desks(browser):
    """Two desk pages, each in its own browser context (two machines at the desk)."""

    def document(response) -> bool:
        return response.request.resource_type == "document"

    first = watched_page(browser, SCREENS["laptop"], document)
    second = watched_page(browser, SCREENS["laptop"], document)
    yield next(first), next(second)
    for opened in (first, second):
        next(opened, None)


def finished_job(app, job_id: str):
    """The job once it has finished: waits on its state, up to a generous deadline."""
    jobs = app.extensions["rtutils"].jobs.job_service()
    deadline = time.monotonic() + JOB_DEADLINE
    job = jobs.get(job_id)
    while not job.is_finished and time.monotonic() < deadline:
        time.sleep(0.2)
        job = jobs.get(job_id)
    assert job.is_finished, f"job {job_id} did not finish: {job}"
    return job


def test_two_desks_audit_a_room_of_sixty_against_rt(rt_app, desks, audit_world, rt_backend):
    url, app = rt_app
    one, two = desks
    room, others = audit_world.room_tags, audit_world.other_tags
    unknown = [audit_world.tag(99_990), audit_world.tag(99_991)]
    sign_in(one, url)
    one.goto(f"{url}/audits")
    one.fill("#audit-name", "Room 101 spring count")
    one.select_option("#audit-kind", "location")
    one.fill("#audit-value", audit_world.room)
    one.get_by_role("button", name="Start").click()
    one.wait_for_url(f"{url}/audits/*")
    audit_url = one.url
    audit_id = int(audit_url.rsplit("/", 1)[1])
    expect(one.locator("[data-count=expected]")).to_have_text("60")
    sign_in(two, url)
    two.goto(audit_url)
    for page in (one, two):
        wait_for_focus(page, "scan")

    # Desk one takes the first 30 and desk two devices 26 to 55: five scanned by both.
    first = room[:30] + others[:2] + unknown[:1]
    second = room[25:55] + others[2:] + unknown[1:]
    for n in range(max(len(first), len(second))):
        for page, scans in ((one, first), (two, second)):
            if n < len(scans):
                wedge(page, scans[n])
    rows_one, rows_two = processed(one, len(first)), processed(two, len(second))
    states = [r["state"] for r in rows_one + rows_two]
    assert states.count("unexpected") == 3 and states.count("unknown") == 2
    assert states.count("present") + states.count("again") == 60
    assert states.count("again") == 5, "a device scanned at both desks counts once"
    shot(one, "audit-01-two-desks")

    service = app.extensions["rtutils"].audits.audit_service()
    result = service.result(audit_id)
    assert sorted(e.tag for e in result.missing) == room[55:]
    assert sorted(e.tag for e in result.unexpected) == others
    assert sorted(e.text for e in result.unknown) == unknown
    assert len(result.present) == 55

    one.on("dialog", lambda dialog: dialog.accept())
    one.reload()
    one.get_by_role("button", name="Finish the audit").click()
    expect(one.locator(".flash.ok")).to_contain_text("Last Audited is being written")
    shot(one, "audit-02-finished")
    first_write = finished_job(app, _last_write(app))
    assert first_write.state == "succeeded", first_write.error
    assert (first_write.result["written"], first_write.progress.done) == (55, 55)
    day = first_write.result["day"]
    audited = {
        a.name: a.cf("Last Audited")
        for a in rt_backend.iter_assets(AssetQuery(names=room + others))
    }
    assert {n for n, v in audited.items() if v == day} == set(room[:55])
    assert {n for n, v in audited.items() if v} == set(room[:55]), "only the 55 were written"

    again = requests.post(
        f"{url}/api/v1/audits/{audit_id}/finish", headers=bearer("operator"), timeout=60
    )
    assert again.status_code == 202
    second_write = finished_job(app, again.json()["job_id"])
    assert second_write.result["written"] == 0 and second_write.result["unchanged"] == 55
    log = service.store.actions(audit_id)
    assert len(log) == 55 and {a.kind for a in log} == {"audited"}


def _last_write(app) -> str:
    jobs = app.extensions["rtutils"].jobs.job_service()
    return jobs.list(kind="audit-write", limit=1)[0].id
