"""Throttling of failed sign-ins and Bearer tokens, per client address.

Counting is done by the ``limits`` library (the engine behind Flask-Limiter) in a moving
window. Only failures count: a desk that signs in correctly is never slowed down. Once an
address has failed :data:`FAILURES` times in the window, every further credential it
presents is answered 429 with ``Retry-After`` until the window has moved on; other
addresses are not affected.

The counts live in the process (``memory://``): with several instances behind a proxy each
counts its own, which still bounds guessing to instances x FAILURES per window.
"""

from __future__ import annotations

import math
import time

from limits import parse, storage, strategies
from werkzeug.exceptions import TooManyRequests

#: Failed attempts an address may make in the window before it has to wait.
FAILURES = "10/minute"
_NAMESPACE = "auth-failure"


class AuthThrottle:
    """Counts authentication failures per address and refuses an address over the limit."""

    def __init__(self, limit: str = FAILURES, storage_uri: str = "memory://") -> None:
        self.item = parse(limit)
        self.limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def check(self, address: str) -> None:
        """Raise 429 with ``Retry-After`` if ``address`` has failed too often of late."""
        if self.limiter.test(self.item, _NAMESPACE, address):
            return
        reset = self.limiter.get_window_stats(self.item, _NAMESPACE, address).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        raise TooManyRequests(
            f"too many failed sign-ins from this address; try again in {wait} s",
            retry_after=wait,
        )

    def failed(self, address: str) -> None:
        """Count one failure of ``address``."""
        self.limiter.hit(self.item, _NAMESPACE, address)
