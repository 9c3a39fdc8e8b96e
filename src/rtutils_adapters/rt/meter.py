"""Per-operation metering: how many requests an operation sent to RT, and how long it waited.

An operation (a web request, a command) calls :func:`start` at its beginning and reads the
:class:`RTUsage` it got back at its end; every RT request made in between, in the same
context, adds to it. The meter lives in a :class:`~contextvars.ContextVar`, so each thread
of the web server (and each asyncio task) meters its own operation, and a thread started
with a copy of the context (``contextvars.copy_context().run``) adds to the same one.
Requests made where no meter was started (a background warm-up) are not counted anywhere.

    usage = meter.start()
    service.plan_batch(...)
    log.info("request", rt_requests=usage.requests, rt_ms=usage.ms)

:func:`metered` does the same as a ``with`` block and restores the outer meter afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from attrs import define, field


@define
class RTUsage:
    """RT requests of one operation (retries included) and seconds spent waiting for them."""

    requests: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(factory=threading.Lock, repr=False, eq=False)

    @property
    def ms(self) -> float:
        """Time spent waiting for RT, in milliseconds (two decimals)."""
        return round(self.seconds * 1000, 2)

    def add(self, seconds: float) -> None:
        """Count one request that took ``seconds``, from send to the end of the answer."""
        with self._lock:  # threads sharing a copied context may add at once
            self.requests += 1
            self.seconds += seconds


_CURRENT: ContextVar[RTUsage | None] = ContextVar("rtutils_rt_usage", default=None)


def start() -> RTUsage:
    """Begin metering the current context; RT requests from now on add to the usage returned."""
    usage = RTUsage()
    _CURRENT.set(usage)
    return usage


def current() -> RTUsage | None:
    """The usage RT requests in this context add to, or ``None`` when nothing is metered."""
    return _CURRENT.get()


@contextmanager
def metered() -> Iterator[RTUsage]:
    """Meter the RT requests made inside the ``with`` block."""
    usage = RTUsage()
    token = _CURRENT.set(usage)
    try:
        yield usage
    finally:
        _CURRENT.reset(token)


def record(seconds: float) -> None:
    """Add one RT request of ``seconds`` to the current meter, if one was started."""
    usage = _CURRENT.get()
    if usage is not None:
        usage.add(seconds)
