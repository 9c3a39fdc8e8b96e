"""Throttling of failed sign-ins and Bearer tokens, per client address.

Counting is done by the ``limits`` library (the engine behind Flask-Limiter) in a moving
window. Only failures count: a desk that signs in correctly is never slowed down. Once an
address has failed :data:`FAILURES` times in the window, every further *wrong* credential
it presents is answered 429 with ``Retry-After`` until the window has moved on.

The penalty falls on the guesser, not on the address. Behind a school's NAT or a reverse
proxy every desk shares one address, and tokens are at least 24 random characters, so the
throttle contains noise rather than guessing: a right credential from a throttled address
is let through, and noted in the log once a minute per address and token name.

The counts live in the process (``memory://``), or in Redis when the service has one
(``JOBS_QUEUE=redis``): then every instance behind a proxy counts the same failures.
"""

from __future__ import annotations

import math
import time

from limits import parse, storage, strategies
from werkzeug.exceptions import TooManyRequests

#: Failed attempts an address may make in the window before it has to wait.
FAILURES = "10/minute"
#: How often a right credential let through at a throttled address is logged.
NOTED = "1/minute"
_NAMESPACE = "auth-failure"
_NOTED_NAMESPACE = "auth-passed-throttled"


class AuthThrottle:
    """Counts authentication failures per address and refuses an address's wrong ones
    over the limit."""

    def __init__(self, limit: str = FAILURES, storage_uri: str = "memory://") -> None:
        self.item = parse(limit)
        self.noted = parse(NOTED)
        self.limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def is_throttled(self, address: str) -> bool:
        """Whether ``address`` has failed too often of late."""
        return not self.limiter.test(self.item, _NAMESPACE, address)

    def failed(self, address: str) -> None:
        """Count one failure of ``address``; 429 with ``Retry-After`` if it is throttled."""
        if self.limiter.hit(self.item, _NAMESPACE, address):
            return
        reset = self.limiter.get_window_stats(self.item, _NAMESPACE, address).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        raise TooManyRequests(
            f"too many failed sign-ins from this address; try again in {wait} s",
            retry_after=wait,
        )

    def passed(self, address: str, name: str) -> bool:
        """A right credential named ``name`` from ``address``: whether to log that it was let
        through a throttled address (once a minute per address and name, not every request)."""
        return self.is_throttled(address) and self.limiter.hit(
            self.noted, _NOTED_NAMESPACE, address, name
        )
