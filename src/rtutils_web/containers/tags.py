"""The tag store, the tag service and automatic tags (whose labels may go to a printer)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from dependency_injector import containers, providers

from rtutils_adapters.postgres.connection import Connections
from rtutils_adapters.stores import open_tag_store
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.errors import InvalidInput
from rtutils_core.jobs import JobContext
from rtutils_core.printing.sender import send_assets
from rtutils_core.printing.service import PrintService
from rtutils_core.tags import TagFormats
from rtutils_core.tags.autotag import ACTOR as AUTOTAG_ACTOR, AutoTagService
from rtutils_core.tags.ports import TagStore
from rtutils_core.tags.reports import TagIssue
from rtutils_core.tags.service import TagService
from rtutils_web.settings import Settings

LabelQueue = Callable[[TagIssue, JobContext | None], None]


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


def _label_queue(printer: str, printing: Callable[[], PrintService]) -> LabelQueue | None:
    """With AUTOTAG_PRINTER, each new tag's label is queued to that printer by the
    autotag job, through its context (the job service runs that job)."""
    if not printer:
        return None

    def queue_label(issue: TagIssue, context: JobContext | None) -> None:
        if context is None:
            raise InvalidInput("labels of automatic tags are queued by the autotag job")
        send_assets(printing(), context.submit, printer, (issue.asset_id,), actor=AUTOTAG_ACTOR)

    return queue_label


class Tags(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    printing = providers.DependenciesContainer()

    tag_store = providers.ThreadSafeSingleton(
        _tag_store, base.settings, base.working_dir, base.store_connections
    )
    tag_service = providers.ThreadSafeSingleton(
        _tag_service,
        backend=base.backend,
        store=tag_store,
        formats=base.settings.provided.tag_formats,
        is_demo=base.settings.provided.is_demo,
        prefix_by_catalog=base.settings.provided.prefix_by_catalog,
    )
    autotag_service = providers.ThreadSafeSingleton(
        AutoTagService,
        tags=tag_service,
        catalogs=base.settings.provided.autotag_catalogs,
        # The print service is looked up when a label is queued, not when the job starts.
        on_tagged=providers.Callable(
            _label_queue, base.settings.provided.autotag_printer, printing.print_service.provider
        ),
    )
    job_kind = autotag_service.provided.job_kind.call()
