"""Bounded work on a thread pool: items start only as the caller takes results."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from rtutils_core.bounded import run_bounded


class CountingPool(ThreadPoolExecutor):
    """A thread pool that counts the items handed to it."""

    def __init__(self, workers: int) -> None:
        super().__init__(workers)
        self.submitted = 0
        self.lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs):
        with self.lock:
            self.submitted += 1
        return super().submit(fn, *args, **kwargs)


@pytest.mark.parametrize("limit", [1, 3, 8])
def test_never_more_than_limit_items_are_handed_out_beyond_the_results_taken(limit):
    with CountingPool(limit) as pool:
        taken = 0
        for _ in run_bounded(pool, lambda n: n * n, range(100), limit):
            taken += 1
            assert pool.submitted - taken <= limit - 1
    assert taken == 100


def test_every_item_is_worked_once_and_an_error_of_the_work_reaches_the_caller():
    with ThreadPoolExecutor(4) as pool:
        assert sorted(run_bounded(pool, lambda n: n * n, range(50), 4)) == [
            n * n for n in range(50)
        ]

    def fail_on_7(n):
        if n == 7:
            raise LookupError("item 7")
        return n

    with ThreadPoolExecutor(2) as pool, pytest.raises(LookupError, match="item 7"):
        list(run_bounded(pool, fail_on_7, range(20), 2))


def test_a_caller_that_stops_has_started_at_most_limit_minus_one_more():
    started = []
    with CountingPool(4) as pool, pytest.raises(RuntimeError):
        for taken, _ in enumerate(run_bounded(pool, started.append, range(1000), 4), 1):
            if taken == 10:
                raise RuntimeError("stop")
    assert 10 <= len(started) == pool.submitted <= 10 + 3


def test_a_limit_below_one_is_refused():
    with ThreadPoolExecutor(1) as pool, pytest.raises(ValueError, match="at least 1, not 0"):
        next(run_bounded(pool, str, [1], 0))
