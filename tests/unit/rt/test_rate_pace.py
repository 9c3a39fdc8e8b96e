"""RatePace: the ``limits`` library's moving window, waited for instead of refused.

The clock is a travelling one (time-machine), moved only by the pace's own waits, so what
is asserted is the window's arithmetic and not how fast this machine runs the calls.
"""

from __future__ import annotations

import time

import pytest
import time_machine

from rtutils_adapters.pacing import RatePace


def test_calls_beyond_the_rate_wait_for_the_window():
    with time_machine.travel(1_000_000.0, tick=False) as clock:
        waits: list[float] = []

        def sleep(seconds: float) -> None:
            waits.append(seconds)
            clock.shift(seconds)

        pace = RatePace("3/second", sleep=sleep)
        for _ in range(3):
            pace()
        assert waits == []  # three in the window: none waits
        pace()
        # The fourth waits until the window's first call is a second old, and no longer.
        assert sum(waits) == pytest.approx(1.0, abs=0.01)
        assert time.time() - 1_000_000.0 == pytest.approx(1.0, abs=0.01)
