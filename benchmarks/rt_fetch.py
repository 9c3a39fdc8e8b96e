"""Label data for N assets from a real RT 5: the adapter's bulk path against one GET per asset,
and label batches and look-ups by tag against RT's own time for the same query.

Starts an isolated RT with the test harness (tests/rt_harness.py; needs Debian's
request-tracker5 rt5-db-sqlite rt5-standalone, run as root), loads N assets with all six
label fields, then in the same run reads them once through ``iter_assets`` (per_page=100,
fields inlined, catalog metadata read cold), once by their ids in searches of 100 ids (as a
label batch by asset ids reads them) and once with one ``get_asset`` per asset, the way the
replaced tool did. All read the same label data; the script checks that.

The tag part prints labels by tag through ``LabelService`` for a
dense range (100 of 200 consecutive tags) and a sparse one (every tenth of 1,000), and
looks single tags up through ``AssetService.by_tag``; each against a raw request to RT with
the same AssetSQL and fields, plus, for batches, rendering the same labels without RT.

Run: .venv/bin/python benchmarks/rt_fetch.py [--assets N] [--rounds R] [--part bulk|tags]
Targets: bulk at most ceil(N/100)+2 requests and at least 10x faster than one GET per asset;
100 labels by tag among 200 consecutive tags in 1 RT request, with a wall time within 15%
of RT's own time for that page plus the rendering.
"""

from __future__ import annotations

import argparse
import datetime
import io
import math
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests
from attrs import define, field

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.rt_harness import STUDENT_DEVICES, RTServer, start_rt  # noqa: E402

from rtutils_adapters.memory import MemoryBackend  # noqa: E402
from rtutils_adapters.pdf import PdfLabelMetrics, PdfLabelRenderer  # noqa: E402
from rtutils_adapters.rt import RTRestBackend, assetsql, meter, wire  # noqa: E402
from rtutils_core.assets import MAX_QUERY_IDS, Asset, AssetDraft, AssetQuery  # noqa: E402
from rtutils_core.assets.ports import AssetBackend  # noqa: E402
from rtutils_core.assets.service import AssetService  # noqa: E402
from rtutils_core.labels.batches import BatchSelection  # noqa: E402
from rtutils_core.labels.service import LabelService, tag_queries  # noqa: E402
from rtutils_core.tags import TagFormat, TagFormats  # noqa: E402


def drafts(
    count: int,
    prefix: str = "BENCH-",
    start: int = 1,
    *,
    digits: int = 5,
    people: tuple[str, str] = ("li.wei", "amara.okafor"),
) -> list[tuple[AssetDraft, tuple[str, ...]]]:
    """Assets with all six label fields, an owner and a holder (``people``)."""
    return [
        (
            AssetDraft(
                name=f"{prefix}{n:0{digits}d}",
                catalog=STUDENT_DEVICES,
                status="allocated",
                owner=people[0],
                custom_fields={
                    "Serial Number": f"NXH{n:07d}ZA",
                    "Manufacturer": "Lenovo",
                    "Model": "100e Chromebook Gen 3",
                    "Internal Name": f"CB-LIB-{n:04d}",
                    "Type": "Chromebook",
                    "Funding Source": "Title I",
                },
            ),
            (people[1],),
        )
        for n in range(start, start + count)
    ]


def timed(
    server: RTServer, read: Callable[[RTRestBackend], list[Asset]]
) -> tuple[list[Asset], int, float]:
    """Assets read, requests sent and seconds taken, with a fresh (cold) backend."""
    backend = RTRestBackend(server.url, server.token, read_timeout=120)
    started = time.perf_counter()
    assets = read(backend)
    seconds = time.perf_counter() - started
    backend.close()
    return assets, backend.requests_sent, seconds


def read_by_ids(backend: RTRestBackend, ids: list[int]) -> list[Asset]:
    """The assets of ``ids`` as a label batch by ids reads them: one search per 100 ids."""
    chunks = (ids[i : i + MAX_QUERY_IDS] for i in range(0, len(ids), MAX_QUERY_IDS))
    return [a for chunk in chunks for a in backend.iter_assets(AssetQuery(ids=chunk))]


def label_data(assets: list[Asset]) -> list[tuple[object, ...]]:
    return sorted(
        (a.id, a.name, a.owner, a.held_by, tuple(sorted(a.custom_fields.items()))) for a in assets
    )


@define
class TagCase:
    """One tag scenario: the median seconds of each path, and the service's requests."""

    name: str
    requests: int = 0
    wall: list[float] = field(factory=list)
    raw_rt: list[float] = field(factory=list)
    render: list[float] = field(factory=list)
    rt_ms: list[float] = field(factory=list)
    before: tuple[int, float] | None = None  # requests and seconds of the old prefix search

    def median(self, runs: list[float]) -> float:
        return statistics.median(runs) if runs else 0.0

    @property
    def ratio(self) -> float:
        return self.median(self.wall) / (self.median(self.raw_rt) + self.median(self.render))


def raw_search(server: RTServer, query: AssetQuery, people: bool = True) -> tuple[float, set[str]]:
    """RT's own time for the first page of ``query`` as the adapter asks for it.

    The same AssetSQL, fields, page size and order as ``RTRestBackend`` sends (a label batch
    asks for no people), on a fresh connection (as each measured service call gets a fresh
    backend); nothing is decoded into assets, so this is RT plus the HTTP exchange and
    nothing else.
    """
    params = {
        "query": assetsql.build(query),
        "page": 1,
        "per_page": 100,
        "fields": wire.search_fields(people),
        "fields[Catalog]": "Name",
        "orderby": "id",
        "order": "ASC",
    }
    headers = {"Authorization": "token " + server.token.reveal(), "Accept": "application/json"}
    with requests.Session() as session:
        started = time.perf_counter()
        response = session.get(server.api_url + "/assets", params=params, headers=headers)
        response.raise_for_status()
        seconds = time.perf_counter() - started
    return seconds, {item["Name"] for item in response.json()["items"]}


def label_service(backend: AssetBackend) -> LabelService:
    return LabelService(
        backend,
        renderer=PdfLabelRenderer(),
        metrics=PdfLabelMetrics(),
        tag_formats=TagFormats(TagFormat("BENCH-", 5), (TagFormat("SPR-", 5),)),
    )


def print_labels(service: LabelService, tags: list[str]) -> tuple[list[Asset], float]:
    """Plan and render the batch of ``tags`` to memory: its assets and the seconds taken."""
    started = time.perf_counter()
    plan = service.plan_batch(BatchSelection(tags=tags), limit=len(tags))
    pages = service.render_batch(plan, io.BytesIO())
    seconds = time.perf_counter() - started
    if pages != len(tags) or plan.missing:
        raise SystemExit(f"FAIL: {pages} labels for {len(tags)} tags, missing {plan.missing}")
    return list(plan.assets), seconds


def offline_copy(server: RTServer, assets: list[Asset]) -> LabelService:
    """A label service over the same label data in memory: rendering without RT."""
    backend = MemoryBackend(server.url)
    backend.add_catalog(STUDENT_DEVICES, {k for a in assets for k in a.custom_fields})
    for asset in assets:
        draft = AssetDraft(
            asset.name, asset.catalog, status=asset.status, custom_fields=asset.custom_fields
        )
        backend.create_asset(draft)
    return label_service(backend)


def batch_case(server: RTServer, name: str, tags: list[str], rounds: int) -> TagCase:
    """Labels for ``tags``: the service on RT, RT's own time, and rendering without RT."""
    case = TagCase(name)
    (query,) = tag_queries(sorted(set(tags)))
    offline: LabelService | None = None
    for _ in range(rounds):
        raw_seconds, raw_names = raw_search(server, query, people=False)
        backend = RTRestBackend(server.url, server.token, read_timeout=120)
        with meter.metered() as usage:
            assets, wall = print_labels(label_service(backend), tags)
        backend.close()
        if raw_names != set(tags) or {a.name for a in assets} != set(tags):
            raise SystemExit(f"FAIL: {name}: RT's answer and the batch differ")
        offline = offline or offline_copy(server, assets)
        case.requests = max(case.requests, backend.requests_sent)
        case.wall.append(wall)
        case.raw_rt.append(raw_seconds)
        case.rt_ms.append(usage.ms)
        case.render.append(print_labels(offline, tags)[1])
    prefix = os.path.commonprefix(tags)  # what a batch by tags searched for before
    _, old_requests, old_seconds = timed(
        server, lambda b: list(b.iter_assets(AssetQuery(name_prefix=prefix)))
    )
    case.before = (old_requests, old_seconds)
    return case


def lookup_case(server: RTServer, tags: list[str]) -> TagCase:
    """``AssetService.by_tag`` for each of ``tags`` against RT's own time for its search."""
    case = TagCase("look-up by tag")
    formats = TagFormats(TagFormat("BENCH-", 5))
    for tag in tags:
        raw_seconds, raw_names = raw_search(server, AssetQuery(name_prefix=tag))
        backend = RTRestBackend(server.url, server.token, read_timeout=120)
        started = time.perf_counter()
        with meter.metered() as usage:
            found = AssetService(backend, formats).by_tag(tag)
        case.wall.append(time.perf_counter() - started)
        backend.close()
        if raw_names != {tag} or found.name != tag:
            raise SystemExit(f"FAIL: look-up of {tag} found {found.name}, RT {raw_names}")
        case.requests = max(case.requests, backend.requests_sent)
        case.raw_rt.append(raw_seconds)
        case.rt_ms.append(usage.ms)
    return case


def run_tags(server: RTServer, rounds: int) -> list[TagCase]:
    print("loading 1,000 more assets for the sparse range ...", file=sys.stderr)
    server.insert_assets(drafts(1000, "SPR-"))
    dense = [f"BENCH-{n:05d}" for n in range(150, 50, -1)]  # 100 of BENCH-00001..00200
    sparse = [f"SPR-{n:05d}" for n in range(10, 1001, 10)]  # every tenth of SPR-00001..01000
    return [
        batch_case(server, "100 labels by tag, dense: 100 of 200 consecutive", dense, rounds),
        batch_case(server, "100 labels by tag, sparse: every 10th of 1,000", sparse, rounds),
        lookup_case(server, [f"BENCH-{n:05d}" for n in (7, 42, 99, 123, 200)]),
    ]


def report_tags(cases: list[TagCase]) -> bool:
    print(
        "| tag case | RT requests | wall s | RT's own s | rendering s | rt_ms (meter) |"
        " wall / (RT + rendering) | before: requests, s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for c in cases:
        before = f"{c.before[0]}, {c.before[1]:.2f}" if c.before else "-"
        print(
            f"| {c.name} (median of {len(c.wall)}) | {c.requests} | {c.median(c.wall):.3f}"
            f" | {c.median(c.raw_rt):.3f} | {c.median(c.render):.3f}"
            f" | {c.median(c.rt_ms):.0f} | {c.ratio:.2f} | {before} |"
        )
    for c in cases:
        runs = ", ".join(f"{w:.3f}/{r:.3f}" for w, r in zip(c.wall, c.raw_rt, strict=True))
        print(f"  {c.name}: wall/RT per round: {runs}")
    dense = cases[0]
    ok = dense.requests == 1 and dense.ratio <= 1.15 and all(c.requests == 1 for c in cases)
    print(
        f"dense batch: {dense.requests} RT request, wall within {100 * (dense.ratio - 1):+.1f}%"
        " of RT's own time plus rendering (target: 1 request, within +15%)"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=200, help="how many assets (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians are reported")
    parser.add_argument("--part", choices=["all", "bulk", "tags"], default="all")
    args = parser.parse_args()
    count = args.assets
    if args.part != "bulk" and count < 200:
        parser.error("the tag part needs --assets 200 or more")

    with tempfile.TemporaryDirectory(prefix="rtutils-bench-") as folder:
        print(f"starting RT and loading {count} assets ...", file=sys.stderr)
        server = start_rt(Path(folder))
        try:
            ids = sorted(server.insert_assets(drafts(count)).values())
            bulk = run_bulk(server, ids, args.rounds) if args.part != "tags" else None
            tags = run_tags(server, args.rounds) if args.part != "bulk" else None
        finally:
            server.stop()

    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, {platform.platform()}")
    print(f"load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"python: {platform.python_version()}; RT from Debian packages, SQLite, rt-server")
    ok = True
    if bulk is not None:
        ok = report_bulk(count, *bulk) and ok
    if tags is not None:
        ok = report_tags(tags) and ok
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


def run_bulk(server: RTServer, ids: list[int], rounds: int) -> tuple[list, tuple, tuple]:
    query = AssetQuery(catalog=STUDENT_DEVICES, name_prefix="BENCH-")
    bulk_runs = [timed(server, lambda b: list(b.iter_assets(query))) for _ in range(rounds)]
    by_ids = timed(server, lambda b: read_by_ids(b, ids))
    single = timed(server, lambda b: [b.get_asset(i) for i in ids])
    return bulk_runs, by_ids, single


def report_bulk(count: int, bulk_runs: list, by_ids_run: tuple, single_run: tuple) -> bool:
    bulk, bulk_requests, _ = bulk_runs[0]
    by_ids, ids_requests, ids_seconds = by_ids_run
    single, single_requests, single_seconds = single_run
    bulk_seconds = statistics.median(s for _, _, s in bulk_runs)
    if not label_data(bulk) == label_data(by_ids) == label_data(single) or len(bulk) != count:
        print("FAIL: the two paths did not read the same label data", file=sys.stderr)
        return False
    budget = math.ceil(count / 100) + 2
    speedup = single_seconds / bulk_seconds
    print(f"assets: {count}")
    print("| path | requests | seconds |")
    print("|---|---|---|")
    rounds = ", ".join(f"{s:.2f}" for _, _, s in bulk_runs)
    print(f"| bulk: iter_assets (median of {rounds}) | {bulk_requests} | {bulk_seconds:.2f} |")
    print(f"| bulk by ids: 100 ids per search | {ids_requests} | {ids_seconds:.2f} |")
    print(f"| one GET per asset | {single_requests} | {single_seconds:.2f} |")
    print(f"speed-up: {speedup:.1f}x; requests {bulk_requests} (budget ceil(N/100)+2 = {budget})")
    return max(bulk_requests, ids_requests) <= budget and speedup >= 10


if __name__ == "__main__":
    raise SystemExit(main())
