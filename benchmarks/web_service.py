"""HTTP throughput and latency of the service under waitress, the production server.

Starts the service as a real process on a free loopback port (demo backend, plus extra
untagged demo assets so that every tag issue is a real assignment), then drives it from
client threads over keep-alive connections and reports requests per second and p50/p99
latency per scenario. ``GET /healthz`` is the baseline measured in the same run: it costs
the server and the client everything but the application's own work.

    .venv/bin/python benchmarks/web_service.py [--seconds 5] [--clients 4] [--threads 8]

The client shares the machine with the server, so figures are lower than a separate client
would see; compare scenarios with the baseline of the same run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Untagged assets added for the tag scenario. The demo backend scans its assets for each
#: search (an issue searches for the tag's holder), so more would measure that scan instead.
EXTRA_ASSETS = 3_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(port: int, threads: int, extra_assets: int) -> None:
    """The server process: the demo container with extra untagged assets, under waitress."""
    import waitress

    from rtutils_core.assets import AssetDraft
    from rtutils_web.app import create_app
    from rtutils_web.container import build_container
    from rtutils_web.logs import configure_logging
    from rtutils_web.settings import Settings

    settings = Settings.from_env(os.environ)
    configure_logging(level=settings.log_level, fmt="json", secrets=settings.secrets())
    container = build_container(settings)
    backend = container.backend()
    for n in range(extra_assets):
        backend.add_asset(
            AssetDraft(
                name=f"Bench device {n}",
                catalog="Student Devices",
                custom_fields={"Type": "Chromebook", "Serial Number": f"BENCH{n:06d}"},
            )
        )
    app = create_app(container=container)
    waitress.serve(app, host="127.0.0.1", port=port, threads=threads, _quiet=True)


class Client:
    """One keep-alive connection that records the latency of each request."""

    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.headers = {"Authorization": f"Bearer {token}"}

    def request(self, method: str, path: str, expect: tuple[int, ...]) -> float:
        started = time.perf_counter()
        self.conn.request(method, path, headers=self.headers)
        response = self.conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status not in expect:
            raise RuntimeError(f"{method} {path} answered {response.status}, not {expect}")
        return elapsed


def run(
    port: int, token: str, clients: int, seconds: float, next_request: Callable[[], tuple]
) -> dict[str, float]:
    """Drive ``clients`` connections for ``seconds``; each asks ``next_request()`` what to do."""
    latencies: list[float] = []
    failures: list[BaseException] = []
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def work() -> None:
        client = Client(port, token)
        mine: list[float] = []
        try:
            while time.perf_counter() < stop:
                method, path, expect = next_request()
                if path is None:
                    break
                mine.append(client.request(method, path, expect))
        except (OSError, RuntimeError, http.client.HTTPException) as exc:
            failures.append(exc)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    if failures:
        raise SystemExit(f"the scenario failed: {failures[0]}")
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


def repeat(method: str, path: str, expect: tuple[int, ...] = (200,)) -> Callable[[], tuple]:
    return lambda: (method, path, expect)


def each_untagged(first_id: int, count: int) -> Callable[[], tuple]:
    """POST .../tag for one fresh asset after another: every request assigns a new tag."""
    ids: Iterator[int] = iter(range(first_id, first_id + count))
    lock = threading.Lock()

    def next_request() -> tuple:
        with lock:
            asset_id = next(ids, None)
        if asset_id is None:
            return ("POST", None, ())
        return ("POST", f"/api/v1/assets/{asset_id}/tag", (201,))

    return next_request


def wait_until_up(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server process ended during start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per scenario")
    parser.add_argument("--clients", type=int, default=4, help="concurrent connections")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads")
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server process
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.threads, EXTRA_ASSETS)
        return

    token = secrets.token_urlsafe(32)
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "RTUTILS_BACKEND": "demo",
        "RTUTILS_API_TOKENS": f"bench:admin:{token}",
        "LOG_LEVEL": "INFO",  # one JSON line per request, as in production
    }
    proc = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--threads", str(args.threads)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_until_up(port, proc)
        first_extra = 27  # the demo data set has 26 assets
        scenarios = {
            "GET /healthz (baseline)": repeat("GET", "/healthz"),
            "GET /api/v1/assets/by-tag/W12-00003": repeat("GET", "/api/v1/assets/by-tag/W12-00003"),
            "GET /api/v1/labels/W12-00003.pdf": repeat("GET", "/api/v1/labels/W12-00003.pdf"),
            "POST /api/v1/assets/{id}/tag (new tag each)": each_untagged(first_extra, EXTRA_ASSETS),
            "POST /api/v1/assets/3/tag (already tagged)": repeat(
                "POST", "/api/v1/assets/3/tag", (200,)
            ),
        }
        for name, scenario in scenarios.items():
            if args.only and args.only not in name:
                continue
            run(port, token, args.clients, min(1.0, args.seconds), scenario)  # warm-up
            result = run(port, token, args.clients, args.seconds, scenario)
            print(
                f"{name:48} {result['rps']:8.1f} req/s   p50 {result['p50_ms']:7.2f} ms"
                f"   p99 {result['p99_ms']:7.2f} ms   ({result['requests']} requests)"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(
        json.dumps(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores",
                "python": platform.python_version(),
                "clients": args.clients,
                "server_threads": args.threads,
                "seconds_per_scenario": args.seconds,
            }
        )
    )


if __name__ == "__main__":
    main()
