"""The composition root: the only module that knows which adapter implements which port.

The web app builds one container per app; other Python code calls :func:`build_container`.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
import time
from pathlib import Path

from dependency_injector import containers, providers

from rtutils_adapters.memory import load_demo_backend
from rtutils_adapters.pdf import PdfLabelMetrics, PdfLabelRenderer
from rtutils_adapters.rt import RTRestBackend, meter
from rtutils_adapters.sqlite import SqliteTagStore
from rtutils_core.errors import ConfigError, RtutilsError
from rtutils_core.labels import configured_templates
from rtutils_core.ports import AssetBackend
from rtutils_core.services import AssetService, LabelService, TagService
from rtutils_web.logs import get_logger
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
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"WORKING_DIR {str(path)!r} is not a writable directory ({exc.strerror})"
        ) from None
    return path


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


def _warm_rt_metadata(backend: RTRestBackend) -> None:
    log = get_logger("rtutils.rt")
    started = time.perf_counter()
    try:
        catalogs = backend.warm_metadata()
    except RtutilsError as error:  # the first request that needs it will read it, or fail
        log.warning("rt_metadata_warm_up_failed", error_code=error.code, error=error.message)
        return
    except Exception:  # a bug: logged with its traceback, and the service still starts
        log.exception("rt_metadata_warm_up_failed", error_code="internal_error")
        return
    ms = round((time.perf_counter() - started) * 1000, 2)
    log.info("rt_metadata_warmed", catalogs=catalogs, ms=ms)


def _start_metadata_warm_up(backend: AssetBackend) -> threading.Thread | None:
    """Read RT's catalogs and custom fields in a background thread, so that the first desk
    request after a start does not wait for them; a failure is only logged."""
    if not isinstance(backend, RTRestBackend):
        return None
    thread = threading.Thread(
        target=_warm_rt_metadata, args=(backend,), name="rt-metadata-warm-up", daemon=True
    )
    thread.start()
    return thread


class Container(containers.DeclarativeContainer):
    """Settings, the adapters and the services; nothing else."""

    settings = providers.Dependency(instance_of=Settings)

    working_dir = providers.Singleton(_working_dir, settings)

    backend = providers.Selector(
        settings.provided.backend,
        demo=providers.Singleton(load_demo_backend, settings.provided.rt_url),
        rt=providers.Singleton(_rt_backend, settings),
    )

    tag_store = providers.Singleton(SqliteTagStore.in_dir, working_dir)

    #: The app calls this once at start: the warm-up thread (``None`` without RT).
    metadata_warm_up = providers.Singleton(_start_metadata_warm_up, backend)
    #: Called at the start of each operation: meters its RT requests (an ``RTUsage``).
    rt_metering = providers.Callable(meter.start)

    asset_service = providers.Singleton(
        AssetService, backend=backend, tag_formats=settings.provided.tag_formats
    )
    tag_service = providers.Singleton(
        TagService, backend=backend, store=tag_store, formats=settings.provided.tag_formats
    )
    label_metrics = providers.Singleton(PdfLabelMetrics)
    label_renderer = providers.Singleton(PdfLabelRenderer)
    label_templates = providers.Singleton(
        configured_templates, settings.provided.label_options, label_metrics
    )
    label_service = providers.Singleton(
        LabelService.from_options,
        options=settings.provided.label_options,
        backend=backend,
        renderer=label_renderer,
        metrics=label_metrics,
        templates=label_templates,
    )


def build_container(settings: Settings | None = None) -> Container:
    """Wire every adapter and service for ``settings`` (default: from the environment)."""
    container = Container(settings=settings or Settings.from_env())
    container.working_dir()  # fail now, with the variable's name, not on the first request
    container.label_templates()  # a label layout that cannot fit stops start-up, too
    container.tag_store()  # opens (or creates) the tag database, so a bad one stops start-up
    if container.settings().is_demo:
        # The demo data carries W12-00001..W12-00016 already; start the sequence above them.
        container.tag_service().sync(actor="demo-start", request_id="startup")
    return container
