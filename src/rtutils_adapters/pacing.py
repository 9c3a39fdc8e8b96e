"""Pacing calls to a rate: the ``limits`` library counts, this waits until a call may go."""

from __future__ import annotations

import time
from collections.abc import Callable

from limits import parse, storage, strategies


class RatePace:
    """Call it before each call to be paced; it returns once ``rate`` (``5/second``,
    ``100/minute``) allows one more in a moving window. One per process; thread-safe."""

    def __init__(
        self,
        rate: str,
        *,
        sleep: Callable[[float], None] = time.sleep,
        key: str = "rtutils-pace",
    ) -> None:
        self.item = parse(rate)
        self._limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
        self._sleep = sleep
        self._key = key

    def __call__(self) -> None:
        while not self._limiter.hit(self.item, self._key):
            stats = self._limiter.get_window_stats(self.item, self._key)
            self._sleep(min(max(stats.reset_time - time.time(), 0.005), 60.0))
