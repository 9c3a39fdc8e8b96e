"""The loan desk against a real RT 5: RT requests per check-in and check-ins per minute.

Starts an isolated RT with the test harness (tests/rt_harness.py; needs Debian's
request-tracker5 rt5-db-sqlite rt5-standalone, run as root), loads N devices, checks them
all out to two students through ``LoanService`` (the person resolved once, as the desk
scans a person and then devices), then checks them all in, every fifth one damaged (a
repair ticket). In the same run it measures RT's own cost of the minimum a check-in needs:
one ``GET /asset/{id}`` and one ``PUT`` with ``If-Match``, over raw HTTP on the same assets.

Run: .venv/bin/python benchmarks/loans.py [--devices N]
Target: 3 RT requests per check-in (read, write, read back), 4 with a ticket, plus one
search for the holder's other devices when the desk shows them.
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
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.rt_harness import STUDENT_DEVICES, RTServer, start_rt  # noqa: E402

from rtutils_adapters.rt import RTRestBackend  # noqa: E402
from rtutils_adapters.sqlite import SqliteLoanLog  # noqa: E402
from rtutils_core.assets import AssetDraft  # noqa: E402
from rtutils_core.loans import LoanFilter  # noqa: E402
from rtutils_core.loans.service import LoanService  # noqa: E402

STUDENTS = ("amara.okafor", "li.wei")


def load(server: RTServer, count: int) -> list[int]:
    drafts = [
        AssetDraft(name=f"LOANBENCH-{n:04d}", catalog=STUDENT_DEVICES, status="allocated")
        for n in range(count)
    ]
    ids = server.insert_assets([(d, ()) for d in drafts])
    return [ids[d.name] for d in drafts]


def check_out_all(service: LoanService, ids: list[int]) -> tuple[float, list[int]]:
    people = [service.find_person(s) for s in STUDENTS]
    counts = []
    started = time.perf_counter()
    for n, device in enumerate(ids):
        before = service.backend.requests_sent  # type: ignore[attr-defined]
        service.check_out(device, people[n % 2], operator="bench", request_id=f"o{n}")
        counts.append(service.backend.requests_sent - before)  # type: ignore[attr-defined]
    return time.perf_counter() - started, counts


def check_in_all(service: LoanService, ids: list[int], others: bool) -> tuple[float, dict]:
    counts: dict[str, list[int]] = {"ok": [], "damaged": []}
    started = time.perf_counter()
    for n, device in enumerate(ids):
        damaged = n % 5 == 0
        before = service.backend.requests_sent  # type: ignore[attr-defined]
        service.check_in(
            device,
            operator="bench",
            request_id=f"i{n}",
            condition="damaged" if damaged else "ok",
            damages=("broken screen",) if damaged else (),
            with_others=others,
        )
        sent = service.backend.requests_sent - before  # type: ignore[attr-defined]
        counts["damaged" if damaged else "ok"].append(sent)
    return time.perf_counter() - started, counts


def raw_get_put(server: RTServer, ids: list[int]) -> float:
    """RT's own time for GET + conditional PUT per asset (status only, a no-op for the loan)."""
    session = requests.Session()
    session.headers["Authorization"] = "token " + server.token.reveal()
    started = time.perf_counter()
    for n, device in enumerate(ids):
        url = f"{server.api_url}/asset/{device}"
        reply = session.get(url, timeout=60)
        reply.raise_for_status()
        status = "in-use" if n % 2 else "allocated"
        put = session.put(
            url, json={"Status": status}, headers={"If-Match": reply.headers["ETag"]}, timeout=60
        )
        put.raise_for_status()
    return time.perf_counter() - started


def per_minute(count: int, seconds: float) -> float:
    return count * 60 / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=60, help="devices (default 60)")
    args = parser.parse_args()
    count = args.devices
    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        print(f"starting RT and loading {count} devices ...", file=sys.stderr)
        server = start_rt(Path(folder))
        try:
            ids = load(server, count)
            half = count // 2
            backend = RTRestBackend(server.url, server.token, read_timeout=120)
            log = SqliteLoanLog(Path(folder) / "loans.sqlite3")
            service = LoanService(backend, log)
            service.find_person(STUDENTS[0])  # warm the connection pool
            out_seconds, out_counts = check_out_all(service, ids)
            in_seconds, in_counts = check_in_all(service, ids[:half], others=False)
            shown_seconds, shown_counts = check_in_all(service, ids[half:], others=True)
            raw_seconds = raw_get_put(server, ids)
            events = len(log.events(LoanFilter()))
        finally:
            server.stop()
    report(count, out_seconds, out_counts, in_seconds, in_counts, shown_seconds, shown_counts)
    print(
        f"| baseline: raw GET + PUT If-Match per asset | 2 | {per_minute(count, raw_seconds):.0f} |"
    )
    baseline = per_minute(count, raw_seconds)
    print(
        f"check-ins per minute / baseline GET+PUT per minute:"
        f" {per_minute(count // 2, in_seconds) / baseline:.2f} (3 requests against 2: 0.67 at best)"
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    print(f"loan log events: {events} (expected {2 * count})")
    ok_target = max(in_counts["ok"]) == 3 and max(in_counts["damaged"]) == 4
    print("target met" if ok_target and events == 2 * count else "TARGET MISSED")
    return 0 if ok_target and events == 2 * count else 1


def report(count, out_seconds, out_counts, in_seconds, in_counts, shown_seconds, shown_counts):
    half = count // 2
    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python: {platform.python_version()}; RT from Debian packages, SQLite, rt-server")
    print(f"devices: {count}; every fifth check-in damaged (one repair ticket each)")
    print("| step | RT requests each | per minute |")
    print("|---|---|---|")
    print(
        f"| check-out (person resolved once) | {statistics.median(out_counts):.0f}"
        f" | {per_minute(count, out_seconds):.0f} |"
    )
    print(
        f"| check-in, ok / damaged with ticket | {max(in_counts['ok'])} /"
        f" {max(in_counts['damaged'])} | {per_minute(half, in_seconds):.0f} |"
    )
    print(
        f"| check-in showing the holder's other devices, ok / damaged |"
        f" {max(shown_counts['ok'])} / {max(shown_counts['damaged'])}"
        f" | {per_minute(count - half, shown_seconds):.0f} |"
    )


if __name__ == "__main__":
    raise SystemExit(main())
