"""What every feature shares: the settings, the state directory, the backend and its ports,
the stores' database, the desk's sessions, the throttle of failed credentials and the RT
warm-up."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from dependency_injector import containers, providers
from limits.storage import MemoryStorage, Storage, storage_from_string

from rtutils_adapters.memory import load_demo_backend
from rtutils_adapters.postgres.connection import Connections
from rtutils_adapters.postgres.throttle import PostgresThrottleCounts
from rtutils_adapters.rt import RTRestBackend, meter
from rtutils_adapters.stores import open_session_store, store_connections
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.errors import ConfigError
from rtutils_web.access.throttle import AuthThrottle
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


def _store_connections(settings: Settings) -> Connections | None:
    """One PostgreSQL pool for every store of this process (None: SQLite in WORKING_DIR),
    with a connection for each web server thread and for the job worker's threads (two and
    a ticker, when it runs inside), so that none waits for a connection."""
    return store_connections(
        settings.store_url,
        password=settings.store_password.reveal(),
        pool_size=settings.threads + 4,
    )


def _throttle_counts(
    settings: Settings, connections: Connections | None, clock: Callable[[], float]
) -> Storage:
    """Where the throttle counts failed credentials, said once in the log at start-up: the
    service's Redis, else the stores' PostgreSQL (both shared by every instance), else this
    process's memory."""
    log = get_logger("rtutils.auth")
    if settings.throttle_redis_url:
        log.info("throttle_counts", kept_in="redis", shared=True)
        return cast(Storage, storage_from_string(settings.throttle_redis_url, wrap_exceptions=True))
    if connections is not None:
        log.info("throttle_counts", kept_in="database", where=connections.where, shared=True)
        return PostgresThrottleCounts(connections, clock=clock)
    log.info("throttle_counts", kept_in="memory", shared=False)
    return MemoryStorage(wrap_exceptions=True)


def _rt_backend(settings: Settings) -> AssetBackend:
    return RTRestBackend(
        settings.rt_url,
        settings.rt_token,
        api_url=settings.api_url,
        connect_timeout=settings.rt_connect_timeout,
        read_timeout=settings.rt_read_timeout,
        cache_seconds=settings.rt_cache_seconds,
        pool_size=settings.threads,
        sessions=settings.rt_sessions == "on",
    )


def _part(backend: AssetBackend, port: str) -> Any:
    """The part of ``backend`` that serves ``port``; a backend in one piece (a test's fake, a
    library user's own) serves every port itself."""
    return getattr(backend, port, backend)


def feature_store(opener: Callable[..., Any], base: Any) -> providers.Provider[Any]:
    """A feature's store, opened once per process in the stores' database: the pool of
    ``base.store_connections`` (STORE_URL), else SQLite in ``base.working_dir``."""
    return providers.ThreadSafeSingleton(opener, base.store_connections, base.working_dir)


class Base(containers.DeclarativeContainer):
    """The settings and the adapters every feature shares."""

    settings = providers.Dependency(instance_of=Settings)
    working_dir = providers.ThreadSafeSingleton(_working_dir, settings)
    #: The asset port, and the backend every other port is a part of: one per process, so
    #: one RT reader (one HTTP session pool, one metadata cache) or one set of demo records.
    backend = providers.Selector(
        settings.provided.backend,
        demo=providers.ThreadSafeSingleton(load_demo_backend, settings.provided.rt_url_shown),
        rt=providers.ThreadSafeSingleton(_rt_backend, settings),
    )
    #: The other ports, each bound to the backend's part that serves it.
    loans_port = providers.Callable(_part, backend, "loans")
    intake_search_port = providers.Callable(_part, backend, "intake_search")
    user_fields_port = providers.Callable(_part, backend, "user_fields")
    #: PostgreSQL's pool when STORE_URL is set, shared by every store; else None (SQLite).
    store_connections = providers.ThreadSafeSingleton(_store_connections, settings)
    session_store = providers.ThreadSafeSingleton(
        open_session_store, store_connections, working_dir
    )
    #: The clock of the throttle's windows, in seconds since the epoch (a test overrides it).
    throttle_clock = providers.Object(time.time)
    throttle_counts = providers.ThreadSafeSingleton(
        _throttle_counts, settings, store_connections, throttle_clock
    )
    #: Failed sign-ins and Bearer tokens, counted per client address.
    auth_throttle = providers.ThreadSafeSingleton(
        AuthThrottle, storage=throttle_counts, clock=throttle_clock
    )
    #: The app calls this once at start: the warm-up thread (``None`` without RT).
    metadata_warm_up = providers.ThreadSafeSingleton(start_metadata_warm_up, backend)
    #: Called at the start of each operation: meters its RT requests (an ``RTUsage``).
    rt_metering = providers.Callable(meter.start)
