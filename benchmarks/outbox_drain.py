"""The outbox's drain against a real RT 5: how long the desk's queued writes take to reach RT.

Starts an isolated RT at RT's DEFAULT bcrypt cost with the test harness
(tests/rt_harness.py; needs Debian's request-tracker5 rt5-db-sqlite rt5-standalone, run
as root), puts the loopback forwarder of tests/rt_outage.py in front of it and serves the
whole web app in process against the forwarder (service defaults: ``RT_SESSIONS=on``). The
devices come in twin sets (tests/contract/outbox/outage_world.py); N mixed desk writes,
the handout morning of ``SCRIPT`` (check-outs, check-ins, some damaged or with a note and
so a repair ticket) repeated over as many sets as N needs, each through
``POST /api/v1/assets/{id}/check-out|check-in``, one after the other:

1. live: the N writes on one half of the twins while RT answers (each 200);
2. queued: the same N writes on the other half while the forwarder refuses connections
   (each answered 202 and kept in the outbox);
3. drain: the forwarder up again (RT back), then the ``outbox-replay`` job run in process
   until the outbox is empty.

Each step's wall seconds, RT requests (the adapter's count) and rt-server's CPU seconds (all
its workers, ``/proc``). On a worker the replay's schedule starts the first drain within
``OUTBOX_REPLAY_INTERVAL`` seconds (5 by default) of RT's return; that wait is added to the
drain for the target.

Run: .venv/bin/python benchmarks/outbox_drain.py [--operations N]
Target: when RT returns, the outbox drains within a minute (drain + replay interval <= 60 s
for 40 operations), and every queued operation ends done, as its live twin did.
"""

from __future__ import annotations

import argparse
import datetime
import logging
import math
import os
import platform
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.rt_harness_speed import cpu_seconds  # noqa: E402
from tests.contract.outbox.outage_world import (  # noqa: E402
    SCRIPT,
    expected_owners,
    load_devices,
    settings,
)
from tests.rt_harness import RTServer, start_rt  # noqa: E402
from tests.rt_outage import OutageProxy  # noqa: E402
from tests.web.conftest import bearer  # noqa: E402

from rtutils_web.app import create_app  # noqa: E402
from rtutils_web.logs import configure_logging  # noqa: E402

#: One desk write: check-out or check-in, the device's asset id, the body.
Write = tuple[str, int, dict]

#: The RT adapter's log: a debug line per request answered (method, path, ms).
RT_LOG = logging.getLogger("rtutils.rt")
TARGET_SECONDS = 60.0
REPLAY_INTERVAL = 5.0  # OUTBOX_REPLAY_INTERVAL's default


class Step(logging.Handler):
    """Wall seconds, RT requests and rt-server CPU seconds of one step; and, from the RT
    adapter's ``rt_request`` log lines, RT's answer time per kind of request."""

    def __init__(self, server: RTServer, backend) -> None:
        super().__init__(logging.DEBUG)
        self.group, self.backend = server.pid or 0, backend
        self.seconds = self.cpu = 0.0
        self.requests = self.sign_ins = 0
        self.kinds: dict[str, list[int]] = {}  # "GET /asset/{id}" -> [count, ms]

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "rt_request":
            path = re.sub(r"/\d+", "/{id}", getattr(record, "path", "?"))
            path = re.sub(r"^/user/.*", "/user/{name}", path)
            kind = self.kinds.setdefault(f"{getattr(record, 'method', '?')} {path}", [0, 0])
            kind[0] += 1
            kind[1] += getattr(record, "ms", 0)

    def __enter__(self) -> Step:
        self._cpu, self._sent = cpu_seconds(self.group), self.backend.requests_sent
        self._sign_ins = self.backend.client.sessions.sign_ins
        self._started = time.perf_counter()
        RT_LOG.addHandler(self)
        return self

    def __exit__(self, *exc: object) -> None:
        RT_LOG.removeHandler(self)
        self.seconds = time.perf_counter() - self._started
        self.requests = self.backend.requests_sent - self._sent
        self.cpu = cpu_seconds(self.group) - self._cpu
        self.sign_ins = self.backend.client.sessions.sign_ins - self._sign_ins


def writes(sets: list[list[int]], count: int) -> list[Write]:
    """The first ``count`` writes of ``SCRIPT`` run set after set."""
    script = [(kind, devices[slot], body) for devices in sets for kind, slot, body in SCRIPT]
    return script[:count]


def send(client, batch: list[Write], status: int) -> None:
    for kind, asset_id, body in batch:
        answer = client.post(
            f"/api/v1/assets/{asset_id}/{kind}", json=body, headers=bearer("operator")
        )
        if answer.status_code != status:
            raise SystemExit(f"{kind} of {asset_id}: {answer.status_code} {answer.get_json()}")


def drain(container, proxy: OutageProxy) -> int:
    """RT back, then the replay job until nothing waits; how many job runs it took."""
    proxy.up()
    jobs, store = container.jobs.job_service(), container.outbox.outbox_store()
    runs = 0
    while store.depth().waiting:
        runs += 1
        job = jobs.run_here("outbox-replay", worker="bench")
        if job.state != "succeeded":
            raise SystemExit(f"the replay failed: {job.error}")
        if runs > 100:
            raise SystemExit(f"the outbox does not drain: {store.depth()}")
    return runs


def run(count: int, folder: Path) -> dict:
    server = start_rt(folder)
    proxy = OutageProxy(server.port)
    proxy.up()
    try:
        sets = math.ceil(count / len(SCRIPT))
        live_sets = [load_devices(server) for _ in range(sets)]
        held_sets = [load_devices(server) for _ in range(sets)]
        app = create_app(settings(folder / "state", proxy.url, server.token.reveal()))
        container = app.extensions["rtutils"]
        container.jobs.job_service()
        backend = container.base.backend()
        backend.warm_metadata()  # signs in too: neither step pays for the first sign-in
        for device in (a for s in live_sets + held_sets for a in s):
            backend.get_asset(device)  # warms RT's workers up, as the drain finds them
        client = app.test_client()
        steps = {name: Step(server, backend) for name in ("live", "queued", "drain")}
        with steps["live"]:
            send(client, writes(live_sets, count), 200)
        proxy.down()
        with steps["queued"]:
            send(client, writes(held_sets, count), 202)
        with steps["drain"]:
            runs = drain(container, proxy)
        operations = container.outbox.outbox_store().operations(limit=10 * count)
        owners = [
            [backend.get_asset(a).owner for s in half for a in s] for half in (live_sets, held_sets)
        ]
    finally:
        proxy.close()
        server.stop()
    return {
        "steps": steps,
        "runs": runs,
        "states": [o.state for o in operations],
        "twins": owners[0] == owners[1]
        and (count < len(SCRIPT) or owners[0][: len(SCRIPT)] == expected_owners()),
    }


def report(count: int, r: dict) -> bool:
    steps: dict[str, Step] = r["steps"]
    live, drained = steps["live"], steps["drain"]
    done = r["states"].count("done")
    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python: {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    print("RT: Debian's RT 5 on SQLite, default bcrypt cost, RT_SESSIONS=on (tests/rt_harness.py)")
    print(f"operations: {count} mixed desk writes (tests/contract/outbox/outage_world.py SCRIPT)")
    print("| step | wall s | s per op | RT requests | sign-ins | RT CPU s | wall / live |")
    print("|---|---|---|---|---|---|---|")
    names = {
        "live": "live: each write while RT answers (200)",
        "queued": "queued: each write while RT refuses (202)",
        "drain": "drain: RT back, replay until the outbox is empty",
    }
    for key, name in names.items():
        s = steps[key]
        print(f"| {name} | {s.seconds:.1f} | {s.seconds / count:.2f} | {s.requests}"
              f" | {s.sign_ins} | {s.cpu:.1f} | {s.seconds / live.seconds:.2f} |")  # fmt: skip
    report_kinds(steps)
    worst = drained.seconds + REPLAY_INTERVAL
    print(f"replay job runs: {r['runs']}; operations done: {done} of {len(r['states'])}")
    print(f"RT holds the queued twins as the live writes left them: {r['twins']}")
    print(
        f"drain {drained.seconds:.1f} s; with the replay schedule's interval"
        f" ({REPLAY_INTERVAL:.0f} s) at worst {worst:.1f} s against {TARGET_SECONDS:.0f} s"
    )
    met = worst <= TARGET_SECONDS and done == count == len(r["states"]) and r["twins"]
    print("target met" if met else "TARGET MISSED")
    return met


def report_kinds(steps: dict[str, Step]) -> None:
    """RT's answers by kind of request: count and seconds, live and in the drain."""
    live, drained = steps["live"].kinds, steps["drain"].kinds
    print("| RT request | live: count | live: RT s | drain: count | drain: RT s |")
    print("|---|---|---|---|---|")
    for kind in sorted(set(live) | set(drained), key=lambda k: -live.get(k, [0, 0])[1]):
        a, b = live.get(kind, [0, 0]), drained.get(kind, [0, 0])
        print(f"| {kind} | {a[0]} | {a[1] / 1000:.1f} | {b[0]} | {b[1] / 1000:.1f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=40, help="desk writes (default 40)")
    count = parser.parse_args().operations
    configure_logging(level="WARNING", fmt="console")  # the report, not a line per request
    RT_LOG.setLevel(logging.DEBUG)  # each request answered, counted by the steps
    RT_LOG.propagate = False  # and not printed (nor the retries while RT refuses)
    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        print("starting RT (default bcrypt cost) ...", file=sys.stderr)
        result = run(count, Path(folder))
    return 0 if report(count, result) else 1


if __name__ == "__main__":
    raise SystemExit(main())
