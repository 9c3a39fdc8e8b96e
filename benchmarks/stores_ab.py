"""Tag issue throughput of this tree's stores against another checkout's, in one run, paired.

    git worktree add /tmp/rtutils-old <revision>
    .venv/bin/python benchmarks/stores_ab.py --old /tmp/rtutils-old [--issues 300] [--rounds 5]

The disk of a shared machine swings by ten times between minutes (fsyncs per second), so
figures from two runs cannot be compared. Here every case runs in both trees back to back,
in alternating order, round after round, each measurement in a fresh process on a fresh
database: SQLite on a file, and PostgreSQL 15 from Debian's postgresql-15 with its durable
defaults (tests/pg_harness.py). Each tree is driven through its own ``benchmarks/tags.py``
(``through_service`` and ``in_processes``), so both run their own code end to end. The ratio
of a case is the median of its rounds' ratios (this tree / the other), each round's pair
measured within seconds of each other.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "SQLite store, 1 thread": ("sqlite", "threads", 1),
    "SQLite store, 4 threads": ("sqlite", "threads", 4),
    "SQLite store, 2 processes": ("sqlite", "processes", 2),
    "PostgreSQL store, 1 thread": ("pg", "threads", 1),
    "PostgreSQL store, 4 threads": ("pg", "threads", 4),
    "PostgreSQL store, 2 processes": ("pg", "processes", 2),
}

DRIVER = """
import sys
sys.path[:0] = [sys.argv[1] + "/benchmarks", sys.argv[1] + "/src"]
import tags as bench
import time
where, how, n, count = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
if how == "threads":
    store = bench.open_store(where)
    started = time.process_time()
    rate = bench.through_service(count, store, n)
    print(rate, (time.process_time() - started) / count)
else:
    print(bench.in_processes(where, count, n), 0.0)
"""


def measure(tree: Path, where: str, how: str, n: int, count: int) -> tuple[float, float]:
    """Issues/s and, for threads in one process, that process's CPU seconds per issue."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tree), where, how, str(n), str(count)],
        env=env,
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate, cpu = out.strip().splitlines()[-1].split()
    return float(rate), float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, required=True, help="the other checkout")
    parser.add_argument("--issues", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    from tests.pg_harness import start_pg

    server = start_pg(durable=True)
    trees = {"new": ROOT, "old": args.old.resolve()}
    rates: dict[str, dict[str, list[float]]] = {c: {"new": [], "old": []} for c in CASES}
    cpu: dict[str, dict[str, list[float]]] = {c: {"new": [], "old": []} for c in CASES}
    try:
        for rnd in range(args.rounds):
            for case, (db, how, n) in CASES.items():
                order = ["new", "old"] if rnd % 2 == 0 else ["old", "new"]
                for name in order:
                    with tempfile.TemporaryDirectory(prefix="rtutils-ab-") as folder:
                        pg_name = server.create_database() if db == "pg" else ""
                        where = server.url(pg_name) if db == "pg" else f"{folder}/tags.sqlite3"
                        try:
                            rate, per_issue = measure(trees[name], where, how, n, args.issues)
                        finally:
                            if pg_name:
                                server.drop_database(pg_name)
                    rates[case][name].append(rate)
                    cpu[case][name].append(per_issue)
                    print(f"round {rnd + 1} {case} {name}: {rate:.0f}/s", file=sys.stderr)
    finally:
        server.stop()
    print(
        "| issues/s | this tree | other | ratio per round | median ratio"
        " | CPU ms/issue: this tree | other |"
    )
    print("|---|---:|---:|---|---:|---:|---:|")
    for case, by in rates.items():
        ratios = [a / b for a, b in zip(by["new"], by["old"], strict=True)]
        ms = {k: 1000 * statistics.median(v) for k, v in cpu[case].items()}
        print(
            f"| {case} | {statistics.median(by['new']):.0f} | {statistics.median(by['old']):.0f}"
            f" | {', '.join(f'{r:.2f}' for r in ratios)} | **{statistics.median(ratios):.2f}**"
            f" | {ms['new']:.2f} | {ms['old']:.2f} |"
        )


if __name__ == "__main__":
    main()
