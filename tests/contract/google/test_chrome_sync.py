"""300 stand-in Chromebooks, 250 of them in RT: the Google Admin sync from dry run to rerun.

Google is the adapter on the loopback stand-in (service-account flow, paging, patches);
RT is the in-memory backend and the real RT 5 of the harness, holding the same assets.
The fleet (tests/chrome_fleet.py) has some devices matched only by MAC, three conflicts,
50 devices RT does not know and five assets Google does not know.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.chrome_fleet import CONFLICTED, DEVICES, PAGE_SIZE, Fleet
from tests.contract.conftest import load_memory
from tests.google_standin import (
    DirectoryStandIn,
    new_key_pair,
    standin_directory,
    write_key_file,
)

from rtutils_core.assets import Asset, AssetChanges
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.errors import BackendAuthFailed
from rtutils_core.google.report import ChromeSyncReport
from rtutils_core.google.service import ChromeSyncService
from rtutils_core.google.sync import ChromeSyncOptions


class CountingBackend:
    """The backend under test, counting the writes the sync sends it (for both kinds alike)."""

    def __init__(self, inner: AssetBackend) -> None:
        self.inner = inner
        self.writes: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def update_asset(
        self, asset_id: int, changes: AssetChanges, if_version: str | None = None
    ) -> Asset:
        self.writes.append(asset_id)
        return self.inner.update_asset(asset_id, changes, if_version)


@pytest.fixture(params=["memory", pytest.param("rt", marks=[pytest.mark.rt, pytest.mark.slow])])
def fleet_world(
    request: pytest.FixtureRequest, google_standin: DirectoryStandIn, google_key_file: Path
) -> Iterator[tuple[Fleet, CountingBackend, dict[str, int], ChromeSyncService]]:
    fleet = Fleet(p="G" + uuid.uuid4().hex[:6].upper(), mac_stem=uuid.uuid4().hex[:6])
    if request.param == "memory":
        backend, ids = load_memory(fleet.assets())
    else:
        ids = request.getfixturevalue("rt_server").insert_assets(fleet.assets())
        backend = request.getfixturevalue("rt_backend")
    for i in range(1, DEVICES + 1):
        google_standin.add(fleet.device(i))
    directory = standin_directory(google_standin, google_key_file, page_size=PAGE_SIZE)
    counting = CountingBackend(backend)
    service = ChromeSyncService(counting, directory, ChromeSyncOptions(fleet.scope()))  # type: ignore[arg-type]
    yield fleet, counting, ids, service
    directory.close()


def expected_changes(fleet: Fleet, ids: dict[str, int]) -> set[tuple[Any, ...]]:
    """Every (device, asset, side, target, before, after) a first run must write."""
    changes: set[tuple[Any, ...]] = set()
    for i in set(range(1, 249)) - CONFLICTED:
        device, asset_id = fleet.device(i), ids[fleet.tag(i)]
        wanted = {
            "annotatedAssetId": (device.annotated_asset_id, fleet.tag(i)),
            "annotatedUser": (device.annotated_user, fleet.owner(i)),
            "annotatedLocation": (device.annotated_location, fleet.location(i)),
        }
        changes |= {
            (device.device_id, asset_id, "google", target, before, after)
            for target, (before, after) in wanted.items()
            if before != after
        }
        if not fleet.rt_in_step(i):
            facts = fleet.google_facts(i)
            stale = {"OS Version": "120.0.6099.1", "Last Sync": ""}
            stale |= {"MAC Address": ""} if i <= 240 else {}
            changes |= {
                (device.device_id, asset_id, "rt", target, before, facts[target])
                for target, before in stale.items()
            }
    return changes


def _rows(report: ChromeSyncReport) -> set[tuple[Any, ...]]:
    return {(c.device_id, c.asset_id, c.side, c.target, c.before, c.after) for c in report.changes}


def test_300_chromebooks_dry_run_real_run_and_a_second_run(
    fleet_world: tuple[Fleet, CountingBackend, dict[str, int], ChromeSyncService],
    google_standin: DirectoryStandIn,
) -> None:
    fleet, backend, ids, service = fleet_world
    pages = math.ceil(DEVICES / PAGE_SIZE)

    dry = service.dry_run()
    assert google_standin.counts["list"] == pages
    assert google_standin.counts["projection=FULL"] == pages
    clean = sorted(set(range(1, 249)) - CONFLICTED)
    assert {(m.device_id, m.asset_id, m.matched_by) for m in dry.matched} == {
        (fleet.device_id(i), ids[fleet.tag(i)], "serial" if i <= 240 else "mac") for i in clean
    }
    assert len(dry.matched) == 246
    assert [d.device_id for d in dry.unmatched_devices] == [
        fleet.device_id(i) for i in range(251, 301)
    ]
    assert [a.asset_name for a in dry.unmatched_assets] == [f"{fleet.p}-R{j}" for j in range(1, 6)]
    assert {(c.kind, c.device_ids, c.asset_ids) for c in dry.conflicts} == {
        (
            "serial-on-several-assets",
            (fleet.device_id(249),),
            (ids[fleet.tag(249)], ids[fleet.tag(249) + "-DUP"]),
        ),
        (
            "annotation-names-other-asset",
            (fleet.device_id(2),),
            (ids[fleet.tag(2)], ids[fleet.tag(5)]),
        ),
        (
            "asset-matched-by-several-devices",
            (fleet.device_id(4), fleet.device_id(250)),
            (ids[fleet.tag(4)],),
        ),
    }
    expected = expected_changes(fleet, ids)
    assert _rows(dry) == expected
    assert google_standin.patches == [] and backend.writes == []

    # Google asks to slow down, then has a hiccup: the run waits, retries and finishes.
    google_standin.faults += [(429, {"Retry-After": "1"}), (503, {})]
    progress: list[tuple[int, int]] = []
    done = service.run(progress=lambda n, total: progress.append((n, total)))
    assert done.failures == ()
    assert _rows(done) == expected
    assert google_standin.counts["list"] == 2 * pages
    google_devices = {d for d, _, side, *_ in expected if side == "google"}
    rt_assets = {a for _, a, side, *_ in expected if side == "rt"}
    assert sorted(d for d, _ in google_standin.patches) == sorted(google_devices)
    assert sorted(backend.writes) == sorted(rt_assets)
    pairs = len(google_devices | {d for d, _, side, *_ in expected if side == "rt"})
    assert progress[0] == (0, pairs) and progress[-1] == (pairs, pairs)
    assert len(progress) == pairs + 1

    for i in clean:
        device = google_standin.devices[fleet.device_id(i)]
        assert device["annotatedAssetId"] == fleet.tag(i)
        assert device["annotatedUser"] == fleet.owner(i)
        assert device["annotatedLocation"] == fleet.location(i)
    assert google_standin.devices[fleet.device_id(2)]["annotatedAssetId"] == fleet.tag(5)
    in_rt = {a.id: a for a in backend.iter_assets(fleet.scope())}
    for i in clean:
        asset = in_rt[ids[fleet.tag(i)]]
        facts = fleet.google_facts(i)
        if i > 240:
            facts["MAC Address"] = asset.cf("MAC Address")  # already there, in its own notation
        assert {k: asset.cf(k) for k in facts} == facts
    assert in_rt[ids[fleet.tag(4)]].cf("OS Version") == "126.0.6478.4"  # in step from the start

    patches, writes = len(google_standin.patches), len(backend.writes)
    again = service.run()
    assert again.changes == ()
    assert (len(google_standin.patches), len(backend.writes)) == (patches, writes)
    assert google_standin.counts["list"] == 3 * pages
    assert again.conflicts == dry.conflicts
    assert [status for *_, status in google_standin.seen if status >= 400] == [429, 503]


def test_credentials_google_refuses_stop_the_sync_before_anything_is_written(
    google_standin: DirectoryStandIn, tmp_path: Path
) -> None:
    fleet = Fleet(p="GBAD", mac_stem="bad000")
    backend, _ = load_memory(fleet.assets())
    for i in range(1, 11):
        google_standin.add(fleet.device(i))
    stale_key = write_key_file(tmp_path / "old-key.json", new_key_pair()[0], "unused")
    directory = standin_directory(google_standin, stale_key)
    counting = CountingBackend(backend)
    service = ChromeSyncService(counting, directory, ChromeSyncOptions(fleet.scope()))  # type: ignore[arg-type]
    with pytest.raises(BackendAuthFailed, match="check GOOGLE_SERVICE_ACCOUNT_FILE"):
        service.run()
    assert counting.writes == [] and google_standin.patches == []
    assert google_standin.counts["list"] == 0
