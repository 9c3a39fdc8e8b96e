"""The container creates nothing until asked, so an override before first use is enough."""

from __future__ import annotations

import pytest
from dependency_injector import providers
from structlog.testing import capture_logs
from tests.web.fakes import FailingBackend

from rtutils_adapters.memory import load_demo_backend
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.errors import BackendUnavailable, ConfigError
from rtutils_core.intake.ports import IntakeSearch
from rtutils_core.labels.batches import BatchSelection
from rtutils_core.loans.ports import LoanBackend
from rtutils_core.secrets import Secret
from rtutils_core.students.ports import UserFieldBackend
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
        "audit-resolve",
        "audit-write",
        "autotag",
        "due-campaign",
        "due-notices",
        "due-receipt",
        "google-sync",
        "import",
        "mail-outbox",
        "outbox-replay",
        "print",
        "student-user-fields",
    ]
    assert [s.kind for s in jobs.schedules] == ["outbox-replay", "audit-resolve"]
    container.printing.printers.reset_override()
    assert container.jobs.print_sender().jobs is jobs
    assert container.jobs.import_jobs().jobs is jobs
    # One root of sub-containers: no provider hands out the container itself.
    assert not any(isinstance(p, providers.Self) for p in container.traverse())
    assert container.tag_service() is container.tags.tag_service()


@pytest.mark.parametrize("backend", ["demo", "rt"])
def test_each_port_is_bound_to_its_own_part_of_the_one_backend(tmp_path, backend):
    rt = {"rt_url": "http://rt.invalid", "rt_token": Secret("t"), "secret_key": Secret("k" * 32)}
    settings = Settings(backend=backend, working_dir=tmp_path, **(rt if backend == "rt" else {}))
    container = build_container(settings)
    one = container.backend()
    assert container.loans.loan_service().backend is one.loans
    assert container.intake.intake_service().backend is one
    assert container.intake.intake_service().searches is one.intake_search
    assert container.students.user_field_sync().backend is one.user_fields
    assert isinstance(one.loans, LoanBackend) and not isinstance(one.loans, AssetBackend)
    assert isinstance(one.intake_search, IntakeSearch)
    assert isinstance(one.user_fields, UserFieldBackend)
    if backend == "rt":  # one HTTP session pool and one metadata cache for every part
        assert one.loans.reader is one.reader and one.intake_search.reader is one.reader
        assert one.user_fields.client is one.reader.client is one.client
        assert one.reader.metadata is one.metadata
    else:  # the desk reads through the backend itself, so an override of a read reaches it
        assert one.loans.reader is one


class OnePiece:
    """A library user's own backend: every port on one object, no parts; RT is down."""

    def __init__(self) -> None:
        self.demo = load_demo_backend()

    def __getattr__(self, name: str):
        if name in ("loans", "intake_search", "user_fields"):
            raise AttributeError(name)
        return getattr(self.demo, name)

    def read_asset_state(self, asset_id: int):
        raise BackendUnavailable("RT did not answer")


def test_a_backend_in_one_piece_serves_every_port(tmp_path):
    container = build_container(Settings(backend="demo", working_dir=tmp_path))
    whole = OnePiece()
    container.backend.override(providers.Object(whole))
    assert container.intake.intake_service().searches is whole
    assert container.students.user_field_sync().backend is whole
    with pytest.raises(BackendUnavailable, match="did not answer"):
        container.loans.loan_service().check_in(1, operator="desk", request_id="r")
