"""The loan desk over HTTP against a real RT 5: RT requests per scan and scans per minute.

Starts an isolated RT with the test harness (tests/rt_harness.py; needs Debian's
request-tracker5 rt5-db-sqlite rt5-standalone, run as root), loads N tagged devices and
serves the whole web app in process (Flask's client, the real ``RTRestBackend`` and
``SqliteLoanLog``). Then, one scan after the other as the desk page's queue sends them:

1. every device checked out by scan (``POST /desk/loans/check-out``, tag and person),
2. half of them checked in by asset id (``POST /api/v1/assets/{id}/check-in``),
3. the other half checked in by scan (``POST /desk/loans/check-in``), every fifth damaged,

and in the same run RT's own cost of the minimum a check-in needs: one ``GET /asset/{id}``
and one ``PUT`` with ``If-Match``, over raw HTTP on the same assets.

Run: .venv/bin/python benchmarks/loan_desk.py [--devices N]
Target: a check-in is read, write, read back (3 RT requests), one more with a ticket; the
answer's list of the holder's other devices is one search more, and a scan's tag look-up one.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.loans import STUDENTS, per_minute, raw_get_put  # noqa: E402
from tests.rt_harness import STUDENT_DEVICES, RTServer, start_rt  # noqa: E402

from rtutils_core.assets import AssetDraft  # noqa: E402
from rtutils_web.app import create_app  # noqa: E402
from rtutils_web.logs import configure_logging  # noqa: E402
from rtutils_web.settings import Settings  # noqa: E402

PREFIX = "LD-"
TOKEN = "bench-" + "5f0c2a9e7b14d3868a41c0e2f97d3b16"


def load(server: RTServer, count: int) -> dict[str, int]:
    drafts = [
        AssetDraft(name=f"{PREFIX}{n:04d}", catalog=STUDENT_DEVICES, status="allocated")
        for n in range(1, count + 1)
    ]
    return server.insert_assets([(d, ()) for d in drafts])


def desk_client(server: RTServer, folder: Path, **env: str):
    """The web app on ``server``, signed in at the desk; ``env`` adds or overrides settings."""
    settings = Settings.from_env(
        {
            "RTUTILS_BACKEND": "rt",
            "RT_URL": server.url,
            "RT_TOKEN": server.token.reveal(),
            "RT_READ_TIMEOUT": "120",
            "WORKING_DIR": str(folder / "state"),
            "SECRET_KEY": secrets.token_hex(24),
            "RTUTILS_API_TOKENS": f"bench:operator:{TOKEN}",
            "PREFIX": PREFIX,
            "TAG_DIGITS": "4",
            **env,
        }
    )
    app = create_app(settings)
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    client.post("/login", data={"token": TOKEN, "csrf_token": csrf})
    page = client.get("/desk/check-in").get_data(as_text=True)
    desk_csrf = re.search(r'data-csrf="([^"]+)"', page).group(1)
    return app, client, {"X-CSRFToken": desk_csrf}


def timed(app, calls) -> tuple[float, list[int]]:
    """Run ``calls`` one after the other; the seconds and RT requests of each."""
    backend = app.extensions["rtutils"].backend()
    counts = []
    started = time.perf_counter()
    for call in calls:
        before = backend.requests_sent
        answer = call()
        if answer.status_code != 200:
            raise SystemExit(f"refused: {answer.status_code} {answer.get_data(as_text=True)}")
        counts.append(backend.requests_sent - before)
    return time.perf_counter() - started, counts


def run(count: int, folder: Path) -> dict:
    server = start_rt(folder)
    try:
        ids = load(server, count)
        tags = sorted(ids)
        app, client, headers = desk_client(server, folder)
        half = count // 2

        def out(n, tag):
            body = {"scan": tag, "person": STUDENTS[n % 2]}
            return lambda: client.post("/desk/loans/check-out", json=body, headers=headers)

        def back_by_id(tag):
            api = {"Authorization": f"Bearer {TOKEN}"}
            url = f"/api/v1/assets/{ids[tag]}/check-in"
            return lambda: client.post(url, json={}, headers=api)

        def back_by_scan(n, tag):
            report = {"condition": "damaged", "damages": ["keyboard"]} if n % 5 == 0 else {}
            body = {"scan": tag, **report}
            return lambda: client.post("/desk/loans/check-in", json=body, headers=headers)

        result = {
            "out": timed(app, [out(n, t) for n, t in enumerate(tags)]),
            "in_api": timed(app, [back_by_id(t) for t in tags[:half]]),
            "in_scan": timed(app, [back_by_scan(n, t) for n, t in enumerate(tags[half:])]),
            "raw": raw_get_put(server, [ids[t] for t in tags]),
            "events": len(app.extensions["rtutils"].loans.loan_service().events()),
        }
    finally:
        server.stop()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=40, help="devices (default 40)")
    count = parser.parse_args().devices
    configure_logging(level="WARNING", fmt="console")  # the report, not a line per request
    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        print(f"starting RT and loading {count} devices ...", file=sys.stderr)
        r = run(count, Path(folder))
    half = count // 2
    baseline = per_minute(count, r["raw"])
    damaged = r["in_scan"][1][0::5]
    ok = [c for n, c in enumerate(r["in_scan"][1]) if n % 5]
    print(f"date: {datetime.date.today().isoformat()}")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"python: {platform.python_version()}; load average {os.getloadavg()[0]:.1f}")
    print("| step | RT requests each | per minute | / baseline |")
    print("|---|---|---|---|")
    rows = (
        ("check-out by scan (tag, person)", r["out"], count),
        ("check-in by asset id (API)", r["in_api"], half),
    )
    for name, (seconds, counts), n in rows:
        pace = per_minute(n, seconds)
        print(f"| {name} | {statistics.median(counts):.0f} | {pace:.0f} | {pace / baseline:.2f} |")
    pace = per_minute(count - half, r["in_scan"][0])
    print(
        f"| check-in by scan, ok / damaged | {max(ok)} / {max(damaged)} | {pace:.0f}"
        f" | {pace / baseline:.2f} |"
    )
    print(f"| baseline: raw GET + PUT If-Match per asset | 2 | {baseline:.0f} | 1.00 |")
    print(f"loan log events: {r['events']} (expected {2 * count})")
    met = max(r["in_api"][1]) == 4 and max(ok) == 5 and max(damaged) == 6
    print("target met" if met and r["events"] == 2 * count else "TARGET MISSED")
    return 0 if met and r["events"] == 2 * count else 1


if __name__ == "__main__":
    raise SystemExit(main())
