"""The composition root: the only module that knows which adapter implements which port.

The web app builds one container per app; other Python code calls :func:`build_container`.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from dependency_injector import containers, providers

from rtutils_adapters.google import GoogleAdminDirectory
from rtutils_adapters.jobs import HueyJobQueue, redis_huey, sqlite_huey
from rtutils_adapters.memory import demo_roster_csv, load_demo_backend
from rtutils_adapters.pacing import RatePace
from rtutils_adapters.pdf import PdfLabelMetrics, PdfLabelRenderer
from rtutils_adapters.postgres.connection import Connections
from rtutils_adapters.printers import BrotherQLPrinter, CupsPrinter
from rtutils_adapters.rt import RTRestBackend, meter
from rtutils_adapters.stores import (
    open_import_files,
    open_intake_store,
    open_job_store,
    open_loan_log,
    open_print_job_store,
    open_roster,
    open_session_store,
    open_tag_store,
    store_connections,
)
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.assets.service import AssetService
from rtutils_core.errors import ConfigError, RtutilsError
from rtutils_core.google.ports import ChromeDeviceDirectory
from rtutils_core.google.service import ChromeSyncService, chrome_sync_job_kind
from rtutils_core.imports.importer import IntakeImport
from rtutils_core.imports.jobs import ImportJobs, ImportRunner
from rtutils_core.intake.service import IntakeService
from rtutils_core.jobs import Schedule
from rtutils_core.jobs.ports import JobStore
from rtutils_core.jobs.service import JobService
from rtutils_core.labels import configured_templates
from rtutils_core.labels.service import LabelService
from rtutils_core.loans.service import LoanService
from rtutils_core.printing.ports import Printer
from rtutils_core.printing.sender import PrintSender, print_job_kind
from rtutils_core.printing.service import PrintService
from rtutils_core.returns.service import ReturnService
from rtutils_core.students.ports import Roster
from rtutils_core.students.service import RosterService
from rtutils_core.students.user_fields_sync import UserFieldSync
from rtutils_core.tags import TagFormats
from rtutils_core.tags.autotag import ACTOR as AUTOTAG_ACTOR, KIND as AUTOTAG, AutoTagService
from rtutils_core.tags.ports import TagStore
from rtutils_core.tags.reports import TagIssue
from rtutils_core.tags.service import TagService
from rtutils_web.logs import get_logger
from rtutils_web.rt_warm_up import start_metadata_warm_up
from rtutils_web.settings import Settings


def _working_dir(settings: Settings) -> Path:
    """The state directory; the demo gets a fresh one so its state matches its fresh data."""
    if settings.working_dir is None:
        demo_dir = tempfile.mkdtemp(prefix="rtutils-demo-")
        # Demo state lives as long as the process: its data is fresh at every start anyway.
        atexit.register(shutil.rmtree, demo_dir, ignore_errors=True)
        return Path(demo_dir)
    path = settings.working_dir
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"WORKING_DIR {str(path)!r} is not a writable directory ({exc.strerror})"
        ) from None
    return path


def _tag_store(
    settings: Settings, working_dir: Path, connections: Connections | None = None
) -> TagStore:
    # PostgreSQL when STORE_URL is set (shared by instances), else SQLite in WORKING_DIR.
    return open_tag_store(
        settings.store_url,
        working_dir,
        password=settings.store_password.reveal(),
        pool_size=settings.threads,
        connections=connections,
    )


def _store_connections(settings: Settings) -> Connections | None:
    """One PostgreSQL pool for every store of this process (None: SQLite in WORKING_DIR),
    with a connection for each web server thread and for the job worker's threads (two and
    a ticker, when it runs inside), so that none waits for a connection."""
    return store_connections(
        settings.store_url,
        password=settings.store_password.reveal(),
        pool_size=settings.threads + 4,
    )


def _rt_backend(settings: Settings) -> AssetBackend:
    return RTRestBackend(
        settings.rt_url,
        settings.rt_token,
        api_url=settings.api_url,
        connect_timeout=settings.rt_connect_timeout,
        read_timeout=settings.rt_read_timeout,
        cache_seconds=settings.rt_cache_seconds,
        pool_size=settings.threads,
    )


def _job_queue(settings: Settings, working_dir: Path) -> HueyJobQueue:
    if settings.jobs_queue == "redis":
        return HueyJobQueue(redis_huey(settings.jobs_redis_url.reveal()))
    return HueyJobQueue(sqlite_huey(working_dir))


def _job_service(
    settings: Settings,
    store: JobStore,
    queue: HueyJobQueue,
    autotag: AutoTagService,
    *,
    container: Container,
    imports: ImportRunner | None = None,
    user_fields: UserFieldSync | None = None,
) -> JobService:
    """The job service with every job kind, and the schedules the settings ask for."""
    service = JobService(store, queue, lease=settings.jobs_lease)
    service.register(autotag.job_kind())
    # The print service is built when a print job first runs: an app that prints nothing
    # never builds the printers.
    service.register(print_job_kind(container.print_service))
    service.register(chrome_sync_job_kind(container.chrome_sync_service))
    if imports is not None:
        service.register(imports.job_kind())
    if user_fields is not None:
        service.register(user_fields.job_kind())
    if settings.autotag_interval:
        service.add_schedule(Schedule(AUTOTAG, AUTOTAG, settings.autotag_interval))
    return service


def _autotag_service(settings: Settings, tags: TagService, container: Container) -> AutoTagService:
    """Automatic tags; with AUTOTAG_PRINTER, each new tag's label is queued to that printer."""
    printer = settings.autotag_printer

    def queue_label(issue: TagIssue) -> None:
        # Looked up when a tag is issued: the sender needs the job service, which runs this.
        container.print_sender().print_assets(printer, (issue.asset_id,), actor=AUTOTAG_ACTOR)

    return AutoTagService(
        tags=tags, catalogs=settings.autotag_catalogs, on_tagged=queue_label if printer else None
    )


def _tag_service(
    backend: AssetBackend,
    store: TagStore,
    formats: TagFormats,
    is_demo: bool,
    prefix_by_catalog: Mapping[str, str],
) -> TagService:
    service = TagService(
        backend=backend, store=store, formats=formats, prefix_by_catalog=prefix_by_catalog
    )
    if is_demo:
        # The demo data carries W12-00001..W12-00016 already; start the sequence above them.
        service.sync(actor="demo-start", request_id="startup")
    return service


def _google_directory(settings: Settings) -> ChromeDeviceDirectory:
    """The Admin SDK directory; only built when the Google sync runs."""
    if settings.google_service_account_file is None or not settings.google_admin_subject:
        raise ConfigError(
            "the Google sync needs GOOGLE_SERVICE_ACCOUNT_FILE (the service-account key file)"
            " and GOOGLE_ADMIN_SUBJECT (the admin it acts as)"
        )
    return GoogleAdminDirectory.from_key_file(
        settings.google_service_account_file,
        settings.google_admin_subject,
        settings.google_customer_id,
        token_url=settings.google_token_url,
        api_url=settings.google_api_url,
    )


def _roster(
    settings: Settings, working_dir: Path, backend: AssetBackend, connections: Connections | None
) -> Roster:
    # Beside the other stores: PostgreSQL when STORE_URL is set, else SQLite in WORKING_DIR.
    roster = open_roster(connections, working_dir)
    if settings.is_demo and not roster.students():
        # The demo's students, linked to the demo's users (its state is fresh at each start).
        RosterService(roster, backend.get_user).import_roster(demo_roster_csv())
    return roster


def _printers(settings: Settings) -> dict[str, Printer]:
    """The configured printers by name, each with the adapter of its kind."""
    return {
        name: BrotherQLPrinter(config) if config.kind == "brother-ql" else CupsPrinter(config)
        for name, config in settings.printers.items()
    }


class Container(containers.DeclarativeContainer):
    """Settings, the adapters and the services; nothing else.

    Nothing is created until it is first asked for, so overriding a provider before that
    (``container.backend.override(providers.Object(other))``) is all a test or a library
    user needs. Every object is created once per container, safely across threads.
    """

    settings = providers.Dependency(instance_of=Settings)
    #: The container itself, for the few objects that look a service up when they run.
    __self__ = providers.Self()

    working_dir = providers.ThreadSafeSingleton(_working_dir, settings)

    backend = providers.Selector(
        settings.provided.backend,
        demo=providers.ThreadSafeSingleton(load_demo_backend, settings.provided.rt_url_shown),
        rt=providers.ThreadSafeSingleton(_rt_backend, settings),
    )

    #: PostgreSQL's pool when STORE_URL is set, shared by every store; else None (SQLite).
    store_connections = providers.ThreadSafeSingleton(_store_connections, settings)
    tag_store = providers.ThreadSafeSingleton(_tag_store, settings, working_dir, store_connections)
    session_store = providers.ThreadSafeSingleton(
        open_session_store, store_connections, working_dir
    )

    #: The app calls this once at start: the warm-up thread (``None`` without RT).
    metadata_warm_up = providers.ThreadSafeSingleton(start_metadata_warm_up, backend)
    #: Called at the start of each operation: meters its RT requests (an ``RTUsage``).
    rt_metering = providers.Callable(meter.start)

    asset_service = providers.ThreadSafeSingleton(
        AssetService, backend=backend, tag_formats=settings.provided.tag_formats
    )
    tag_service = providers.ThreadSafeSingleton(
        _tag_service,
        backend=backend,
        store=tag_store,
        formats=settings.provided.tag_formats,
        is_demo=settings.provided.is_demo,
        prefix_by_catalog=settings.provided.prefix_by_catalog,
    )
    job_store = providers.ThreadSafeSingleton(open_job_store, store_connections, working_dir)
    job_queue = providers.ThreadSafeSingleton(_job_queue, settings, working_dir)
    autotag_service = providers.ThreadSafeSingleton(
        _autotag_service, settings, tag_service, __self__
    )
    job_service = providers.ThreadSafeSingleton(
        _job_service, settings, job_store, job_queue, autotag_service, container=__self__
    )
    loan_log = providers.ThreadSafeSingleton(open_loan_log, store_connections, working_dir)
    loan_service = providers.ThreadSafeSingleton(
        LoanService, backend=backend, loan_log=loan_log, options=settings.provided.loan_options
    )
    label_metrics = providers.ThreadSafeSingleton(PdfLabelMetrics)
    label_renderer = providers.ThreadSafeSingleton(PdfLabelRenderer)
    label_templates = providers.ThreadSafeSingleton(
        configured_templates, settings.provided.label_options, label_metrics
    )
    label_service = providers.ThreadSafeSingleton(
        LabelService.from_options,
        options=settings.provided.label_options,
        backend=backend,
        renderer=label_renderer,
        metrics=label_metrics,
        templates=label_templates,
    )
    google_directory = providers.Singleton(_google_directory, settings)
    chrome_sync_service = providers.Singleton(
        ChromeSyncService,
        backend=backend,
        directory=google_directory,
        options=settings.provided.google_sync_options,
    )

    printers = providers.ThreadSafeSingleton(_printers, settings)
    print_job_store = providers.ThreadSafeSingleton(
        open_print_job_store, store_connections, working_dir
    )
    print_service = providers.ThreadSafeSingleton(
        PrintService,
        labels=label_service,
        printers=printers,
        store=print_job_store,
        max_labels=settings.provided.max_batch,
    )
    print_sender = providers.ThreadSafeSingleton(PrintSender, print_service, job_service)

    intake_store = providers.ThreadSafeSingleton(open_intake_store, store_connections, working_dir)
    intake_service = providers.ThreadSafeSingleton(
        IntakeService,
        backend=backend,
        tags=tag_store,
        formats=settings.provided.tag_formats,
        store=intake_store,
        options=settings.provided.intake_options,
        prefix_by_catalog=settings.provided.prefix_by_catalog,
    )
    intake_import = providers.ThreadSafeSingleton(
        IntakeImport, service=intake_service, concurrency=settings.provided.import_concurrency
    )
    import_files = providers.ThreadSafeSingleton(open_import_files, store_connections, working_dir)
    import_runner = providers.ThreadSafeSingleton(
        ImportRunner, importer=intake_import, files=import_files
    )
    import_jobs = providers.ThreadSafeSingleton(
        ImportJobs, importer=intake_import, files=import_files, jobs=job_service
    )

    roster = providers.ThreadSafeSingleton(
        _roster, settings, working_dir, backend, store_connections
    )
    roster_service = providers.ThreadSafeSingleton(
        RosterService,
        roster,
        loan_service.provided.find_person,
        settings.provided.roster_mapping,
        find_people=loan_service.provided.find_people,
    )
    user_field_sync = providers.ThreadSafeSingleton(
        UserFieldSync,
        roster=roster,
        backend=backend,
        options=settings.provided.user_field_options,
        pace=providers.ThreadSafeSingleton(RatePace, settings.provided.user_fields_rate),
    )
    return_service = providers.ThreadSafeSingleton(
        ReturnService,
        roster=roster,
        loans=loan_service,
        manual_log=loan_log,
        options=settings.provided.campaign_options,
    )


# The job service runs CSV imports too; their provider is declared after it in the class.
Container.job_service.add_kwargs(imports=Container.import_runner)
# ... and the RT user-field sync of the roster.
Container.job_service.add_kwargs(user_fields=Container.user_field_sync)


def build_container(settings: Settings | None = None) -> Container:
    """Wire every adapter and service for ``settings`` (default: from the environment).

    Creates nothing yet: see :class:`Container`. A server calls :func:`check_start_up` next.
    """
    return Container(settings=settings or Settings.from_env())


def check_start_up(container: Container) -> None:
    """Create what must work before the first request (state directory, label templates,
    stores, loan statuses, printers), so a bad setting stops start-up naming its variable."""
    container.working_dir()
    container.label_templates()
    container.tag_store()
    container.job_store()  # the job database and queue; not the services, which are lazy
    container.job_queue()

    check_loan_statuses(container.loan_service())
    container.printers()  # an unknown printer model stops start-up, naming the printer
    container.print_job_store()
    container.intake_store()
    container.roster()


def check_loan_statuses(service: LoanService) -> None:
    """CHECKOUT_STATUS and CHECKIN_STATUS against the backend's lifecycle, where it tells.

    A move the lifecycle refuses stops start-up naming the variables; a backend that cannot
    be asked (RT down, no asset in a status, a lifecycle the token may not see) is logged and
    the service starts: the desk reads each write back anyway.
    """
    log = get_logger("rtutils.loans")
    try:
        check = service.check_statuses()
    except RtutilsError as error:
        log.warning("loan_statuses_unchecked", error_code=error.code, error=error.message)
        return
    if check.problems:
        raise ConfigError(f"CHECKOUT_STATUS / CHECKIN_STATUS: {'; '.join(check.problems)}")
    for unknown in check.unknown:
        log.info("loan_statuses_unchecked", detail=unknown)
