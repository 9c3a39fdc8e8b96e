"""Reading RT's catalogs and custom fields when the service starts, in the background."""

from __future__ import annotations

import threading
import time

from rtutils_adapters.rt import RTRestBackend
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.errors import RtutilsError
from rtutils_web.logs import get_logger


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


def start_metadata_warm_up(backend: AssetBackend) -> threading.Thread | None:
    """Read RT's catalogs and custom fields in a background thread, so that the first desk
    request after a start does not wait for them; a failure is only logged."""
    if not isinstance(backend, RTRestBackend):
        return None
    thread = threading.Thread(
        target=_warm_rt_metadata, args=(backend,), name="rt-metadata-warm-up", daemon=True
    )
    thread.start()
    return thread
