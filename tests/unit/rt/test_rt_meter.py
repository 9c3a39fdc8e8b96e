"""The per-operation RT meter: what it counts, in which context, and failed requests too."""

from __future__ import annotations

import contextvars
import threading

import pytest
from tests.conftest import free_port

from rtutils_adapters.rt import RTRestBackend, meter
from rtutils_core.errors import BackendUnavailable
from rtutils_core.secrets import Secret


def test_a_started_meter_counts_what_is_recorded_in_its_context():
    usage = meter.start()
    meter.record(0.25)
    meter.record(0.5)
    assert (usage.requests, usage.ms) == (2, 750.0)
    assert meter.current() is usage
    fresh = meter.start()
    meter.record(0.1)
    assert (usage.requests, fresh.requests) == (2, 1), "a new operation starts from nothing"


def test_metered_blocks_nest_and_restore_the_outer_meter():
    outer = meter.start()
    with meter.metered() as inner:
        meter.record(1.0)
    meter.record(2.0)
    assert (inner.requests, inner.seconds) == (1, 1.0)
    assert (outer.requests, outer.seconds) == (1, 2.0)
    assert meter.current() is outer


def test_each_thread_meters_its_own_operation_unless_it_shares_the_context():
    mine = meter.start()
    theirs: list[meter.RTUsage | None] = []

    def other_operation() -> None:
        theirs.append(meter.current())  # a new thread starts with no meter
        meter.record(3.0)  # counted nowhere
        theirs.append(meter.start())
        meter.record(1.0)

    thread = threading.Thread(target=other_operation)
    thread.start()
    thread.join()
    assert theirs[0] is None and theirs[1] is not None and theirs[1].requests == 1
    assert mine.requests == 0

    helpers = [
        threading.Thread(target=contextvars.copy_context().run, args=(meter.record, 0.5))
        for _ in range(8)
    ]
    for helper in helpers:
        helper.start()
    for helper in helpers:
        helper.join()
    assert (mine.requests, mine.seconds) == (8, 4.0), "a copied context adds to the same meter"


def test_requests_that_fail_are_counted_with_their_time_retries_included():
    backend = RTRestBackend(
        f"http://127.0.0.1:{free_port()}", Secret("1-2-x"), retries=2, backoff=0
    )
    with meter.metered() as usage, pytest.raises(BackendUnavailable, match="refused"):
        backend.ping()
    assert usage.requests == backend.requests_sent == 3
    assert usage.seconds > 0
