"""RT's own work for one label search, taken apart: SQL queries, rights checks, instructions.

Starts an isolated RT with the test harness (tests/rt_harness.py; needs Debian's
request-tracker5 rt5-db-sqlite rt5-standalone, run as root), loads the label assets and
spare parts of ``benchmarks/rt_label_search.py``, then runs ``rt_label_counts.pl`` in RT's
own process (RT's REST 2.0 app under Plack::Test): SQL queries and rights checks per
request for each shape of the search; with ``--instructions``, the same requests under
valgrind's callgrind (``apt-get install valgrind``; about 15 minutes on 2 cores),
instructions per request, which do not vary with the machine's load.

Run: .venv/bin/python benchmarks/rt_label_counts.py [--instructions]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.rt_label_search import label_rt  # noqa: E402
from tests.rt_harness import RTServer  # noqa: E402

SCRIPT = Path(__file__).with_suffix(".pl")
FORMATS = ("LD-%04d", "LP-%04d")  # rt_label_search's LABELS and PARTS


def run_perl(server: RTServer, mode: str) -> str:
    """The Perl script's output, in RT's own process with this RT's site config."""
    command = ["perl", str(SCRIPT), mode, server.token.reveal(), *FORMATS]
    if mode == "instructions":
        out = server.folder / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", "--dump-before=Perl_pp_getppid",
            f"--callgrind-out-file={out}", *command,
        ]  # fmt: skip
    env = {**os.environ, "PERL_HASH_SEED": "0", "PERL_PERTURB_KEYS": "0"}
    env |= {
        "RT_SITE_CONFIG": str(server.folder / "RT_SiteConfig.pm"),
        "RT_SITE_CONFIG_DIR": str(server.folder / "RT_SiteConfig.d"),
    }
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"FAIL: {done.stderr[-2000:]}")
    return done.stdout


def instructions(folder: Path) -> list[int]:
    """Instructions of each callgrind dump after the first (start-up), in order."""
    dumps = sorted(folder.glob("callgrind.out.*"), key=lambda p: int(p.suffix[1:]))
    totals = []
    for dump in dumps:
        found = re.search(r"^(?:summary|totals): (\d+)", dump.read_text(), re.MULTILINE)
        totals.append(int(found.group(1)) if found else 0)
    return totals[1:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instructions", action="store_true", help="also under callgrind")
    with_instructions = parser.parse_args().instructions
    with label_rt() as server:
        out = run_perl(server, "count")
        counted: list[int] = []
        if with_instructions:
            run_perl(server, "instructions")
            counted = instructions(server.folder)
    print("| shape (100 assets) | SQL queries | rights checks | instructions |")
    print("|---|---:|---:|---:|")
    for n, line in enumerate(out.splitlines()):
        name, queries, checks = line.split("\t")
        shown = f"{counted[n] / 1e9:.2f} G" if n < len(counted) else "-"
        print(f"| {name} | {queries} | {checks} | {shown} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
