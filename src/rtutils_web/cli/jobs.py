"""Background jobs from the command line: the ``worker`` command, the in-service worker, and
the first-start tag sync that comes before either."""

from __future__ import annotations

from typing import Any

from rtutils_adapters.jobs import JobWorker, run_worker
from rtutils_core.errors import BackendUnreachable
from rtutils_core.tags.autotag import sync_if_empty
from rtutils_web.container import Container


def add_job_commands(commands: Any) -> None:
    """Add the ``worker`` command to the CLI's sub-parsers."""
    commands.add_parser(
        "worker", help="run the background jobs in this process (with JOBS_WORKER=separate)"
    )


def first_start(container: Container, log: Any) -> None:
    """On a tag store that never handed out a tag, sync the sequences with RT (logged)."""
    if container.settings().is_demo:
        return
    try:
        reports = sync_if_empty(container.tag_service(), container.tags.tag_store())
    except BackendUnreachable as error:  # the next start tries again
        log.warning("tags_not_synced_on_first_start", error_code=error.code)
        return
    for report in reports:
        log.info(
            "tags_synced_on_first_start",
            prefix=report.prefix,
            tags_found=report.tags_found,
            next_tag=report.next_tag,
        )


def start_inside_worker(container: Container, log: Any) -> JobWorker | None:
    """The worker inside the web service, unless JOBS_WORKER=separate; started."""
    settings = container.settings()
    if settings.jobs_worker != "inside":
        return None
    worker = JobWorker(container.jobs.job_service(), container.jobs.job_queue())
    worker.start()
    log.info("job_worker_started", worker=worker.name, queue=settings.jobs_queue)
    resume_printing(container, log)
    return worker


def run_worker_command(container: Container, log: Any) -> int:
    """``request-tracker-utils worker``: run jobs until SIGTERM or SIGINT."""
    log.info("job_worker_starting", queue=container.settings().jobs_queue)
    resume_printing(container, log)
    run_worker(container.jobs.job_service(), container.jobs.job_queue())
    log.info("job_worker_stopped")
    return 0


def resume_printing(container: Container, log: Any) -> None:
    """Queue the print jobs left waiting with no job to send them (from before the job
    system sent them); only where a worker runs, and only with printers."""
    if not container.settings().printers:
        return
    for job in container.jobs.print_sender().resume():
        log.info("print_job_resumed", job_id=job.id, print_job=job.params.get("print_job"))
