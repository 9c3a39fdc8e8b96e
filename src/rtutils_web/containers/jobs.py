"""The job system: its store and queue, the job service with every feature's job kind, and
the features' front doors that hand work to it (print jobs, CSV imports)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dependency_injector import containers, providers

from rtutils_adapters.jobs import HueyJobQueue, redis_huey, sqlite_huey
from rtutils_adapters.stores import open_job_store
from rtutils_core.due import jobs as due_jobs
from rtutils_core.imports.jobs import ImportJobs
from rtutils_core.jobs import JobKind, Schedule
from rtutils_core.jobs.ports import JobStore
from rtutils_core.jobs.service import JobService
from rtutils_core.printing.sender import PrintSender
from rtutils_core.tags.autotag import KIND as AUTOTAG
from rtutils_web.containers.base import feature_store
from rtutils_web.logs import get_logger
from rtutils_web.settings import Settings

DAY = 86400.0
#: Seconds between two passes over the notices waiting for their retry.
OUTBOX_EVERY = 300.0


def _job_queue(settings: Settings, working_dir: Path) -> HueyJobQueue:
    if settings.jobs_queue == "redis":
        return HueyJobQueue(redis_huey(settings.jobs_redis_url.reveal()))
    if settings.jobs_queue_warning:  # built once, at start-up: by the server or the worker
        get_logger("rtutils.jobs").warning("jobs_queue_local", detail=settings.jobs_queue_warning)
    return HueyJobQueue(sqlite_huey(working_dir))


def _job_service(
    settings: Settings,
    store: JobStore,
    queue: HueyJobQueue,
    kinds: Sequence[JobKind],
    schedules: Sequence[Schedule],
) -> JobService:
    """The job service with every job kind, the features' schedules and those the settings
    ask for."""
    service = JobService(
        store, queue, {kind.name: kind for kind in kinds}, lease=settings.jobs_lease
    )
    for schedule in schedules:
        service.add_schedule(schedule)
    if settings.autotag_interval:
        service.add_schedule(Schedule(AUTOTAG, AUTOTAG, settings.autotag_interval))
    if settings.notices_at:
        hours, minutes = (int(part) for part in settings.notices_at.split(":"))
        offset = hours * 3600 + minutes * 60
        service.add_schedule(Schedule(due_jobs.NIGHTLY, due_jobs.NIGHTLY, DAY, offset=offset))
    if settings.mail_is_set_up:  # notices the mail server deferred go when their wait is over
        service.add_schedule(Schedule(due_jobs.OUTBOX, due_jobs.OUTBOX, OUTBOX_EVERY))
    return service


class Jobs(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    printing = providers.DependenciesContainer()
    imports = providers.DependenciesContainer()
    #: Every feature's job kinds (the root hands them over as a ``providers.List``).
    kinds = providers.Dependency(instance_of=list)
    #: The features' own schedules (the outbox's replay), likewise.
    schedules = providers.Dependency(instance_of=list)

    job_store = feature_store(open_job_store, base)
    job_queue = providers.ThreadSafeSingleton(_job_queue, base.settings, base.working_dir)
    job_service = providers.ThreadSafeSingleton(
        _job_service, base.settings, job_store, job_queue, kinds, schedules
    )
    print_sender = providers.ThreadSafeSingleton(PrintSender, printing.print_service, job_service)
    import_jobs = providers.ThreadSafeSingleton(
        ImportJobs,
        importer=imports.intake_import,
        files=imports.import_files,
        jobs=job_service,
    )
