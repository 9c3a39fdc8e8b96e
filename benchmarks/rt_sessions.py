"""RT sessions against the token on every request: time and RT's CPU, in one run.

Starts an isolated RT at RT's DEFAULT bcrypt cost with the test harness
(tests/rt_harness.py; needs Debian's request-tracker5 rt5-db-sqlite rt5-standalone, run
as root) and the whole web app in process, once with ``RT_SESSIONS=off`` (the token on
every request, as before) and once with ``RT_SESSIONS=on``. For each mode, one after the
other:

- per request through the adapter: ``GET /asset/{id}``, a search (``GET /assets?query=``),
  ``PUT /asset/{id}`` with ``If-Match``;
- per desk operation: check-out by scan, check-in by asset id (API) and by scan, an intake
  create, a batch of 100 labels by tag (the plan: RT's part of it; the label assets carry
  the six label fields, an owner and a holder);

and RT's own minimum for a check-in, a raw token ``GET`` + ``PUT`` pair (the baseline).
Each figure is the median wall time and rt-server's CPU seconds (all its workers) per
operation. Last, the label search's parts in interleaved rounds
(``benchmarks/rt_label_search.py``): the labels' target compares the previous label search
with the token (today's cost) against the batch's search with a session.

Run: .venv/bin/python benchmarks/rt_sessions.py [--devices N]
Targets: a check-in (session mode) at most half the baseline pair's time; RT CPU per desk
operation at least 5x lower in session mode than in token mode.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.loan_desk import TOKEN, desk_client, load  # noqa: E402
from benchmarks.loans import STUDENTS, raw_get_put  # noqa: E402
from benchmarks.rt_harness_speed import cpu_seconds  # noqa: E402
from benchmarks.rt_label_search import (  # noqa: E402
    LABELS,
    NOW,
    TODAY,
    load_labels,
    measure_labels,
    report_labels,
)
from tests.intake_world import device, formats_for  # noqa: E402
from tests.rt_harness import RTServer, start_rt  # noqa: E402

from rtutils_adapters.sqlite import SqliteIntakeStore, SqliteNewAssetTagStore  # noqa: E402
from rtutils_core.assets import AssetQuery  # noqa: E402
from rtutils_core.intake.service import IntakeService  # noqa: E402
from rtutils_core.labels.batches import BatchSelection  # noqa: E402
from rtutils_web.logs import configure_logging  # noqa: E402

MODES = ("off", "on")
LABEL_ROUNDS = 7


class Meter:
    """Median wall seconds and mean rt-server CPU seconds per call of a kind."""

    def __init__(self, server: RTServer) -> None:
        self.group = server.pid or 0
        self.figures: dict[str, tuple[float, float]] = {}
        self.sign_ins = 0

    def run(self, name: str, calls: list[Callable[[], object]]) -> None:
        walls = []
        cpu = cpu_seconds(self.group)
        for call in calls:
            started = time.perf_counter()
            call()
            walls.append(time.perf_counter() - started)
        used = (cpu_seconds(self.group) - cpu) / len(calls)
        self.figures[name] = (statistics.median(walls), used)


def checked(answer):
    if answer.status_code != 200:
        raise SystemExit(f"refused: {answer.status_code} {answer.get_data(as_text=True)}")
    return answer


def measure_mode(server: RTServer, folder: Path, mode: str, tags: dict[str, int]) -> Meter:
    """Every figure of one RT_SESSIONS mode, on the devices in ``tags`` (name -> id)."""
    app, client, headers = desk_client(server, folder / mode, RT_SESSIONS=mode)
    services = app.extensions["rtutils"]
    backend = services.backend()
    backend.warm_metadata()
    meter = Meter(server)
    measure_requests(meter, backend, tags)
    measure_desk(meter, client, headers, tags)
    intake = IntakeService(
        backend,
        SqliteNewAssetTagStore(folder / mode / "intake-tags.sqlite3"),
        formats_for(folder / mode),
        SqliteIntakeStore(folder / mode / "intake.sqlite3"),
    )
    meter.run(
        "intake create",
        [
            lambda n=n: intake.receive(device(f"BENCH{mode.upper()}{n:05d}"), f"{mode}-{n}")
            for n in range(len(tags) // 2)
        ],
    )
    labels = services.label_service()
    batch = BatchSelection(tags=LABELS)
    meter.run("100 labels by tag", [lambda: labels.plan_batch(batch, limit=100)] * 3)
    meter.sign_ins = backend.client.sessions.sign_ins
    backend.close()
    return meter


def measure_requests(meter: Meter, backend, tags: dict[str, int]) -> None:
    """Single requests through the adapter: a read, a search, a conditional write."""
    names = sorted(tags)
    meter.run("GET /asset/{id}", [lambda t=t: backend.get_asset(tags[t]) for t in names])
    meter.run(
        "search (AssetSQL)",
        [lambda t=t: backend.search_assets(AssetQuery(name_prefix=t)) for t in names],
    )
    read = [backend.get_asset(tags[t]) for t in names]
    meter.run(
        "PUT /asset/{id} (If-Match)",
        [
            lambda a=a: backend.client.put(
                f"/asset/{a.id}", {"Status": "allocated"}, what="a PUT", if_match=a.version
            )
            for a in read
        ],
    )


def measure_desk(meter: Meter, client, headers: dict[str, str], tags: dict[str, int]) -> None:
    """The loan desk over HTTP: every device out by scan, half in by API, half by scan."""
    names = sorted(tags)
    half = len(names) // 2
    api = {"Authorization": f"Bearer {TOKEN}"}

    def post(url: str, body: dict, sent: dict[str, str]) -> Callable[[], object]:
        return lambda: checked(client.post(url, json=body, headers=sent))

    meter.run(
        "check-out by scan",
        [
            post("/desk/loans/check-out", {"scan": t, "person": STUDENTS[n % 2]}, headers)
            for n, t in enumerate(names)
        ],
    )
    meter.run(
        "check-in by API",
        [post(f"/api/v1/assets/{tags[t]}/check-in", {}, api) for t in names[:half]],
    )
    meter.run(
        "check-in by scan",
        [post("/desk/loans/check-in", {"scan": t}, headers) for t in names[half:]],
    )


def baseline(server: RTServer, ids: list[int]) -> tuple[float, float]:
    """RT's own token GET + PUT pair: mean wall and CPU seconds per pair."""
    cpu = cpu_seconds(server.pid or 0)
    seconds = raw_get_put(server, ids)
    return seconds / len(ids), (cpu_seconds(server.pid or 0) - cpu) / len(ids)


def prepare(server: RTServer, count: int) -> tuple[dict[str, dict[str, int]], list[int]]:
    """Devices for each mode (loan desk tags); the ids of 100 label assets."""
    ids = load(server, count * len(MODES))
    names = sorted(ids)
    labels = load_labels(server)
    devices = {m: {t: ids[t] for t in names[k :: len(MODES)]} for k, m in enumerate(MODES)}
    return devices, sorted(labels.values())


def report(results: dict[str, Meter], pair: tuple[float, float], labels: dict[str, float]) -> bool:
    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python: {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    print("RT: Debian's RT 5 on SQLite, default bcrypt cost (tests/rt_harness.py)")
    token, session = results["off"], results["on"]
    print("| operation | token ms | session ms | token RT CPU s | session RT CPU s | CPU ratio |")
    print("|---|---|---|---|---|---|")
    for name, (wall, cpu) in token.figures.items():
        s_wall, s_cpu = session.figures[name]
        ratio = cpu / s_cpu if s_cpu else float("inf")
        print(f"| {name} | {wall * 1000:.0f} | {s_wall * 1000:.0f} | {cpu:.3f} | {s_cpu:.3f}"
              f" | {ratio:.1f}x |")  # fmt: skip
    print(
        f"| baseline: raw token GET + PUT If-Match | {pair[0] * 1000:.0f} | | {pair[1]:.3f} | | |"
    )
    print(f"sign-ins: token mode {token.sign_ins}, session mode {session.sign_ins}")
    desk = ("check-out by scan", "check-in by API", "check-in by scan", "intake create",
            "100 labels by tag")  # fmt: skip
    fast = all(session.figures[k][0] <= pair[0] / 2 for k in desk[1:3])
    report_labels(labels, LABEL_ROUNDS)
    # Today's cost of each operation: with the token; for labels, the previous search.
    today = {k: token.figures[k][1] for k in desk[:-1]}
    now = {k: session.figures[k][1] for k in desk[:-1]}
    today[desk[-1]], now[desk[-1]] = labels[TODAY], labels[NOW]
    short = [k for k in desk if today[k] < 5 * now[k]]
    print(f"check-in <= half the baseline pair: {'met' if fast else 'MISSED'}")
    verdict = "MISSED by " + ", ".join(short) if short else "met"
    print(f"RT CPU per desk operation >= 5x lower: {verdict}")
    return fast and not short


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=12, help="devices per mode (default 12)")
    count = parser.parse_args().devices
    configure_logging(level="WARNING", fmt="console")
    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        print("starting RT (default bcrypt cost) ...", file=sys.stderr)
        server = start_rt(Path(folder))
        try:
            devices, others = prepare(server, count)
            baseline(server, others[:count])  # warms RT's workers up
            results = {m: measure_mode(server, Path(folder), m, devices[m]) for m in MODES}
            pair = baseline(server, others[:count])
            labels = measure_labels(server, LABEL_ROUNDS)
        finally:
            server.stop()
    return 0 if report(results, pair, labels) else 1


if __name__ == "__main__":
    raise SystemExit(main())
