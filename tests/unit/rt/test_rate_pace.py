"""RatePace: the ``limits`` library's moving window, waited for instead of refused."""

from __future__ import annotations

import time

from rtutils_adapters.pacing import RatePace


def test_calls_beyond_the_rate_wait_for_the_window():
    waits: list[float] = []
    pace = RatePace("3/second", sleep=lambda s: (waits.append(s), time.sleep(s)))
    started = time.monotonic()
    for _ in range(4):
        pace()
    assert waits and time.monotonic() - started >= 0.9
