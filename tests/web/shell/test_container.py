"""The container creates nothing until asked, so an override before first use is enough."""

from __future__ import annotations

import pytest
from dependency_injector import providers
from structlog.testing import capture_logs
from tests.web.fakes import FailingBackend

from rtutils_core.errors import BackendUnavailable, ConfigError
from rtutils_core.labels.batches import BatchSelection
from rtutils_web.container import build_container, check_start_up
from rtutils_web.settings import Settings


def test_building_the_container_touches_nothing(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a directory")
    settings = Settings(backend="demo", working_dir=blocked / "state")
    container = build_container(settings)  # no directory, database or backend yet
    with pytest.raises(ConfigError, match="WORKING_DIR"):
        check_start_up(container)


def test_an_override_before_first_use_reaches_every_service(tmp_path):
    container = build_container(Settings(backend="demo", working_dir=tmp_path))
    container.backend.override(providers.Object(FailingBackend(BackendUnavailable("down"))))
    with pytest.raises(BackendUnavailable):
        container.asset_service().get(1)
    with pytest.raises(BackendUnavailable):
        container.label_service().plan_batch(BatchSelection(asset_ids=[1]), 10)
    with pytest.raises(BackendUnavailable):
        container.tag_service()  # the demo's first sync reads the overriding backend


@pytest.mark.parametrize(
    ("settings", "warned"),
    [
        ({"store_url": "postgresql://rtutils@db.example.org/rtutils"}, True),
        ({}, False),
    ],
)
def test_shared_stores_with_a_local_job_queue_are_warned_of_at_start_up(tmp_path, settings, warned):
    container = build_container(Settings(backend="demo", working_dir=tmp_path, **settings))
    with capture_logs() as logs:
        container.jobs.job_queue()  # what the server's and the worker's start-up build
    found = [entry for entry in logs if entry["event"] == "jobs_queue_local"]
    assert bool(found) is warned
    if warned:
        assert (found[0]["log_level"], "JOBS_QUEUE=redis" in found[0]["detail"]) == (
            "warning",
            True,
        )


def test_the_job_service_gets_every_kind_and_builds_no_printer_until_a_print_job_runs(tmp_path):
    container = build_container(Settings(backend="demo", working_dir=tmp_path))

    def no_printers() -> None:
        raise AssertionError("the printers were built")

    container.printing.printers.override(providers.Callable(no_printers))
    jobs = container.jobs.job_service()
    assert sorted(jobs.kinds) == [
        "autotag",
        "google-sync",
        "import",
        "outbox-replay",
        "print",
        "student-user-fields",
    ]
    assert [s.kind for s in jobs.schedules] == ["outbox-replay"]
    container.printing.printers.reset_override()
    assert container.jobs.print_sender().jobs is jobs
    assert container.jobs.import_jobs().jobs is jobs
    # One root of sub-containers: no provider hands out the container itself.
    assert not any(isinstance(p, providers.Self) for p in container.traverse())
    assert container.tag_service() is container.tags.tag_service()
