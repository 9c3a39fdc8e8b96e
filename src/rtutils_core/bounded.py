"""Work on a thread pool with a bounded number of items under way.

``Executor.map`` and ``submit`` for every item hand the whole list to the pool at once: its
threads keep starting items while the caller is still busy with (or about to stop at) an
earlier result, so how many more items start after the caller decides to stop depends on
the machine's load. Here an item starts only when the caller has taken a result, so a caller
that stops (by raising) has started at most ``limit - 1`` items beyond the results it took.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from itertools import islice
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(
    pool: Executor, work: Callable[[T], R], items: Iterable[T], limit: int
) -> Iterator[R]:
    """``work(item)`` for every item, in the order they finish, at most ``limit`` under way.

    The caller owns ``pool``: leaving its ``with`` block waits for the items under way, and
    no item is waiting in the pool's queue to start after that.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit}")
    waiting = iter(items)
    running: set[Future[R]] = {pool.submit(work, item) for item in islice(waiting, limit)}
    while running:
        done, running = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            yield future.result()
            # Only now, with the result taken, does the next item start.
            running.update(pool.submit(work, item) for item in islice(waiting, 1))
