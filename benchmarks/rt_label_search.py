"""What RT spends a label batch's one search on: RT's CPU for each part, in one run.

Starts an isolated RT at RT's DEFAULT bcrypt cost with the test harness
(tests/rt_harness.py; needs Debian's request-tracker5 rt5-db-sqlite rt5-standalone, run
as root), loads 100 label assets (the six label fields, an owner and a holder, in a catalog
with twelve custom fields) and 100 spare parts (a catalog with one custom field), then
measures in interleaved rounds, so that the machine's load weighs on every kind alike:

- the label batch's search as the adapter sends it (no roles), with a session and with
  the token;
- the previous label search (Owner, HeldBy and Contact too), with the token (what a batch
  cost before RT sessions) and with a session;
- the same AssetSQL for Names only, with a session and with the token: the search itself;
- Names and custom fields, for the labels (12 fields applied) and the spare parts (1).

Each figure is the median of rt-server's CPU seconds (all its workers) per request.
``benchmarks/rt_sessions.py`` runs the same measurement after its desk figures.

Run: .venv/bin/python benchmarks/rt_label_search.py [--rounds N]
Target (issue RT_SESSIONS): the label batch with a session at least 5x below the previous
search with the token.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.rt_fetch import drafts  # noqa: E402
from benchmarks.rt_harness_speed import cpu_seconds  # noqa: E402
from tests.rt_harness import SPARE_PARTS, RTServer, start_rt  # noqa: E402

from rtutils_adapters.rt import RTRestBackend, assetsql  # noqa: E402
from rtutils_core.assets import AssetDraft, AssetQuery  # noqa: E402

#: The label batch's tags (the loan desk's prefix, far above its devices' numbers).
LABELS = [f"LD-{n:04d}" for n in range(9001, 9101)]
#: Their owner and holder: none of the loan desk's students, whose devices it lists.
LABEL_PEOPLE = ("kwame.asante", "ines.duarte")
#: 100 assets of a catalog with one custom field (Bin), against the labels' twelve.
PARTS = [f"LP-{n:04d}" for n in range(9001, 9101)]
NOW = "label batch's search, session"
TODAY = "previous label search (roles too), token"


def load_labels(server: RTServer) -> dict[str, int]:
    """The 100 label assets and the 100 spare parts; the label assets' ids by tag."""
    labels = server.insert_assets(drafts(100, "LD-", 9001, digits=4, people=LABEL_PEOPLE))
    parts = [AssetDraft(tag, SPARE_PARTS, custom_fields={"Bin": tag[3:]}) for tag in PARTS]
    server.insert_assets([(d, ()) for d in parts])
    return labels


@contextlib.contextmanager
def label_rt() -> Iterator[RTServer]:
    """An isolated RT (RT's default bcrypt cost) holding the label assets and spare parts."""
    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        print("starting RT (default bcrypt cost) ...", file=sys.stderr)
        server = start_rt(Path(folder))
        try:
            load_labels(server)
            yield server
        finally:
            server.stop()


def label_calls(server: RTServer) -> dict[str, Callable[[], object]]:
    """One request of each kind, with a session or with the token, by name."""
    session = RTRestBackend(server.url, server.token, read_timeout=300, sessions=True)
    token = RTRestBackend(server.url, server.token, read_timeout=300, sessions=False)
    labels = AssetQuery(names=LABELS)

    def search(backend: RTRestBackend, names: list[str], fields: str) -> Callable[[], object]:
        params = {
            "query": assetsql.build(AssetQuery(names=names)),
            "per_page": 100,
            "fields": fields,
            "orderby": "id",
        }
        return lambda: backend.client.get("/assets", params, what="a search")

    return {
        NOW: lambda: list(session.iter_assets(labels, people=False)),
        "label batch's search, token": lambda: list(token.iter_assets(labels, people=False)),
        TODAY: lambda: list(token.iter_assets(labels)),
        "previous label search (roles too), session": lambda: list(session.iter_assets(labels)),
        "Names only, session": search(session, LABELS, "Name"),
        "Names only, token": search(token, LABELS, "Name"),
        "labels: Names and custom fields (12 applied), session": search(
            session, LABELS, "Name,CustomFields"
        ),
        "spare parts: Names and custom fields (1 applied), session": search(
            session, PARTS, "Name,CustomFields"
        ),
    }


def measure_labels(server: RTServer, rounds: int) -> dict[str, float]:
    """Median RT CPU seconds per request of each kind, one of each per round."""
    calls = label_calls(server)
    for call in calls.values():  # warm-up: sign-in, metadata, RT's caches
        call()
    used: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(rounds):
        for name, call in calls.items():
            before = cpu_seconds(server.pid or 0)
            call()
            used[name].append(cpu_seconds(server.pid or 0) - before)
    return {name: statistics.median(seconds) for name, seconds in used.items()}


def report_labels(figures: dict[str, float], rounds: int) -> bool:
    """Print the figures and the labels' target; whether it is met."""
    print(f"| label search (median of {rounds} interleaved rounds) | RT CPU s |")
    print("|---|---|")
    for name, seconds in figures.items():
        print(f"| {name} | {seconds:.3f} |")
    ratio = figures[TODAY] / figures[NOW]
    met = ratio >= 5
    print(f"labels: previous search with the token against the batch's search with a session:"
          f" {ratio:.1f}x (target 5x: {'met' if met else 'MISSED'})")  # fmt: skip
    return met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="rounds (default 7)")
    rounds = parser.parse_args().rounds
    with label_rt() as server:
        figures = measure_labels(server, rounds)
    return 0 if report_labels(figures, rounds) else 1


if __name__ == "__main__":
    raise SystemExit(main())
