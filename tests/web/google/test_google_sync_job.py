"""The Google sync as a background job: started from the API (admin) or the jobs page, one
at a time, its progress and result on the jobs API; and `google sync` on the command line
recorded as a job too (or queued with --queue)."""

from __future__ import annotations

import argparse
import io

import attrs
from dependency_injector import providers
from tests.web.conftest import bearer, csrf_token, sign_in

from rtutils_adapters.memory import MemoryBackend
from rtutils_adapters.memory.chrome import MemoryChromeDirectory
from rtutils_adapters.memory.jobs import InlineJobQueue, MemoryJobStore
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.google import ChromeDevice
from rtutils_core.google.service import ChromeSyncService, chrome_sync_job_kind
from rtutils_core.google.sync import ChromeSyncOptions
from rtutils_core.jobs.service import JobService
from rtutils_web.app import create_app
from rtutils_web.cli.google import run_google_command

CATALOG = "Student Devices"


def small_sync() -> ChromeSyncService:
    """Two Chromebooks, both in RT, one of them with an annotation to write."""
    options = ChromeSyncOptions(AssetQuery(catalog=CATALOG))
    backend = MemoryBackend()
    backend.add_catalog(CATALOG, options.custom_fields_needed())
    for n in (1, 2):
        custom = {"Serial Number": f"SN{n}"}
        backend.add_asset(AssetDraft(f"W12-0000{n}", CATALOG, custom_fields=custom))
    devices = [ChromeDevice("d1", "SN1", annotated_asset_id="W12-00001"), ChromeDevice("d2", "SN2")]
    return ChromeSyncService(backend, MemoryChromeDirectory(devices), options)


def test_an_admin_starts_the_sync_and_reads_its_progress_on_the_jobs_api(app, client):
    container = app.extensions["rtutils"]
    admin = bearer("admin")
    off = client.post("/api/v1/google-sync", headers=admin)
    assert off.status_code == 404
    assert "GOOGLE_SERVICE_ACCOUNT_FILE" in off.get_json()["error"]["message"]
    container.google.chrome_sync_service.override(providers.Object(small_sync()))
    jobs = container.jobs.job_service()
    jobs.queue = InlineJobQueue()
    assert client.post("/api/v1/google-sync", headers=bearer("operator")).status_code == 403
    started = client.post("/api/v1/google-sync", headers=admin)
    assert started.status_code == 202
    job = started.get_json()
    assert (job["kind"], job["state"]) == ("google-sync", "queued")
    busy = client.post("/api/v1/google-sync", headers=admin)
    assert busy.status_code == 409
    assert job["id"] in busy.get_json()["error"]["message"]
    jobs.queue.run_pending(jobs)
    done = client.get(started.headers["Location"], headers=admin).get_json()
    assert (done["state"], done["done"], done["total"]) == ("succeeded", 1, 1)
    assert done["result"]["summary"]["matched"] == 2
    assert done["result"]["summary"]["devices_changed_in_google"] == 1


def test_the_jobs_page_has_the_sync_button_for_admins(web_settings, tmp_path):
    google = {"google_service_account_file": tmp_path / "key.json", "google_admin_subject": "a"}
    app = create_app(attrs.evolve(web_settings, **google))
    container = app.extensions["rtutils"]
    container.google.chrome_sync_service.override(providers.Object(small_sync()))
    container.jobs.job_service().queue = InlineJobQueue()
    client = app.test_client()
    sign_in(client, "admin")
    assert "Run the Google sync now" in client.get("/jobs").get_data(as_text=True)
    started = client.post("/jobs/google-sync", data={"csrf_token": csrf_token(client, "/jobs")})
    assert started.headers["Location"] == "/jobs?kind=google-sync"
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "google-sync" in page and "queued" in page


def test_the_command_runs_the_sync_here_as_a_job_or_queues_it():
    jobs = JobService(MemoryJobStore(), InlineJobQueue())
    service = small_sync()
    jobs.register(chrome_sync_job_kind(lambda: service))
    out = io.StringIO()
    args = argparse.Namespace(dry_run=False, report=None, format="json", queue=False)
    assert run_google_command(args, service, log=None, out=out, jobs=jobs) == 0
    assert "google sync: matched 2" in out.getvalue()
    (ran,) = jobs.list(kind="google-sync")
    assert (ran.state, ran.progress.done, ran.progress.total) == ("succeeded", 1, 1)
    queued = argparse.Namespace(dry_run=False, report=None, format="json", queue=True)
    assert run_google_command(queued, service, log=None, out=out, jobs=jobs) == 0
    newest = jobs.list(kind="google-sync")[0]
    assert newest.state == "queued"
    assert f"google sync queued: job {newest.id}" in out.getvalue()


def test_the_jobs_page_queues_nothing_while_the_sync_is_not_configured(app, client):
    sign_in(client, "admin")
    answer = client.post("/jobs/google-sync", data={"csrf_token": csrf_token(client, "/jobs")})
    assert answer.headers["Location"] == "/jobs?kind=google-sync"
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "the Google sync is off" in page and "GOOGLE_SERVICE_ACCOUNT_FILE" in page
    assert app.extensions["rtutils"].jobs.job_service().list(kind="google-sync") == []
