"""Throttling of failed sign-ins and Bearer tokens, per client address.

Counting is done by the ``limits`` library (the engine behind Flask-Limiter) in fixed
windows: an address's first failure starts a window of a minute, and once the address has
failed :data:`FAILURES` times in it, every further *wrong* credential it presents is
answered 429 with ``Retry-After`` until the window ends. Only failures count: a desk that
signs in correctly is never slowed down.

The penalty falls on the guesser, not on the address. Behind a school's NAT or a reverse
proxy every desk shares one address, and tokens are at least 24 random characters, so the
throttle contains noise rather than guessing: a right credential from a throttled address
is let through, and noted in the log once a minute per address and token name.

The counts live where the container says (``containers/base.py``): in Redis when the
service has one (``JOBS_QUEUE=redis``), else in the stores' PostgreSQL with ``STORE_URL``
(both shared by every instance), else in the process. If they cannot be reached, the
credential is judged without them (a wrong one is 401, a right one passes) and
``throttle_unavailable`` is logged, at most once a minute.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from limits import parse, strategies
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage
from werkzeug.exceptions import TooManyRequests

from rtutils_web.logs import get_logger

#: Failed attempts an address may make in the window before it has to wait.
FAILURES = "10/minute"
#: How often a right credential let through at a throttled address is logged.
NOTED = "1/minute"
#: How often (seconds) a throttle that cannot reach its counts says so in the log.
WARN_EVERY = 60.0
_NAMESPACE = "auth-failure"
_NOTED_NAMESPACE = "auth-passed-throttled"
log = get_logger("rtutils.auth")


class AuthThrottle:
    """Counts authentication failures per address and refuses an address's wrong ones
    over the limit.

    ``storage`` keeps the counts (in this process by default); ``clock`` is the time in
    seconds since the epoch, the same clock the storage measures its windows by.
    """

    def __init__(
        self,
        limit: str = FAILURES,
        storage: Storage | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.item = parse(limit)
        self.noted = parse(NOTED)
        self.storage = storage if storage is not None else MemoryStorage(wrap_exceptions=True)
        self.limiter = strategies.FixedWindowRateLimiter(self.storage)
        self.clock = clock
        self._warned = -math.inf

    def is_throttled(self, address: str) -> bool:
        """Whether ``address`` has failed too often of late."""
        return not self.limiter.test(self.item, _NAMESPACE, address)

    def failed(self, address: str) -> None:
        """Count one failure of ``address``; 429 with ``Retry-After`` if it is throttled."""
        try:
            if self.limiter.hit(self.item, _NAMESPACE, address):
                return
            reset = self.limiter.get_window_stats(self.item, _NAMESPACE, address).reset_time
        except StorageError as error:
            self._unavailable(error)
            return
        wait = max(1, math.ceil(reset - self.clock()))
        raise TooManyRequests(
            f"too many failed sign-ins from this address; try again in {wait} s",
            retry_after=wait,
        )

    def passed(self, address: str, name: str) -> bool:
        """A right credential named ``name`` from ``address``: whether to log that it was let
        through a throttled address (once a minute per address and name, not every request)."""
        try:
            return self.is_throttled(address) and self.limiter.hit(
                self.noted, _NOTED_NAMESPACE, address, name
            )
        except StorageError as error:
            self._unavailable(error)
            return False

    def _unavailable(self, error: StorageError) -> None:
        now = self.clock()
        if now - self._warned >= WARN_EVERY:
            self._warned = now
            log.warning("throttle_unavailable", error=str(error.storage_error))
