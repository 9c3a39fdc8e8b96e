"""300 stand-in Chromebooks, 250 of them in RT: the Google Admin sync from dry run to rerun.

Google is the adapter on the loopback stand-in (service-account flow, paging, patches);
RT is the in-memory backend and the real RT 5 of the harness, holding the same assets.
Device ``i`` has serial ``<p>SN<i>``; RT knows 1-240 by serial and 241-248 only by a MAC
address (written four ways); 249's serial is on two assets, device 2's annotation names
asset 5, and asset 4's MAC field holds the MAC of device 250 (so two devices claim it):
three conflicts. 251-300 are not in RT, and five RT assets are not in Google.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from attrs import define
from tests.contract.conftest import load_memory
from tests.google_standin import DirectoryStandIn, standin_directory
from tests.rt_harness import STUDENT_DEVICES

from rtutils_core.assets import Asset, AssetChanges, AssetDraft, AssetQuery
from rtutils_core.chrome import ChromeDevice, format_mac
from rtutils_core.chrome_sync import ChromeSyncOptions
from rtutils_core.chrome_sync_report import ChromeSyncReport
from rtutils_core.ports import AssetBackend
from rtutils_core.services.chrome_sync import ChromeSyncService

DEVICES = 300
PAGE_SIZE = 100
OWNERS = ("li.wei", "amara.okafor", "zoe.muller")
BASE_SYNC = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
AUE = date(2029, 6, 1)
CONFLICTED = {2, 4, 249, 250}


@define
class Fleet:
    """One run's made-up fleet; ``p`` keeps its names, serials and MACs apart from others."""

    p: str
    mac_stem: str

    def tag(self, i: int) -> str:
        return f"{self.p}-{i:05d}"

    def serial(self, i: int) -> str:
        return f"{self.p}SN{i:04d}"

    def mac(self, i: int) -> str:
        return f"02{self.mac_stem}{i:04x}"

    def device_id(self, i: int) -> str:
        return f"dev-{self.p}-{i:03d}"

    @staticmethod
    def owner(i: int) -> str:
        return OWNERS[i % 3]

    @staticmethod
    def location(i: int) -> str:
        return f"Room {i % 20 + 1}"

    @staticmethod
    def recent_user(i: int) -> str:
        return f"student{i}@students.example.org" if i % 5 else ""

    @staticmethod
    def google_in_step(i: int) -> bool:
        return i % 3 == 0

    @staticmethod
    def rt_in_step(i: int) -> bool:
        return i % 25 != 1  # ten assets to write: each RT write costs three requests

    def device(self, i: int) -> ChromeDevice:
        annotated = {}
        if self.google_in_step(i):
            annotated = {
                "annotated_asset_id": self.tag(i),
                "annotated_user": self.owner(i),
                "annotated_location": self.location(i),
            }
        elif i % 3 == 1:
            annotated = {"annotated_asset_id": f"OLD-{i}", "annotated_user": "someone.else"}
        if i == 2:
            annotated = {"annotated_asset_id": self.tag(5)}
        return ChromeDevice(
            device_id=self.device_id(i),
            serial_number=self.serial(i),
            mac_address=self.mac(i),
            os_version=f"126.0.6478.{i}",
            last_sync=BASE_SYNC + timedelta(minutes=i),
            auto_update_expiration=AUE,
            most_recent_user=self.recent_user(i),
            org_unit_path=f"/Students/Grade {i % 6 + 1}",
            **annotated,
        )

    def google_facts(self, i: int) -> dict[str, str]:
        """What the RT custom fields hold once in step with device ``i``."""
        return {
            "OS Version": f"126.0.6478.{i}",
            "Last Sync": (BASE_SYNC + timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Auto Update Expiration": AUE.isoformat(),
            "Most Recent User": self.recent_user(i),
            "MAC Address": format_mac(self.mac(i)),
        }

    def asset(self, i: int, name: str | None = None, **fields: str) -> AssetDraft:
        facts = self.google_facts(i)
        if not self.rt_in_step(i):
            facts |= {"OS Version": "120.0.6099.1", "Last Sync": "", "MAC Address": ""}
        facts |= {"Location": self.location(i), "Serial Number": self.serial(i), **fields}
        return AssetDraft(
            name or self.tag(i), STUDENT_DEVICES, "in-use", self.owner(i), custom_fields=facts
        )

    def assets(self) -> list[tuple[AssetDraft, Sequence[str]]]:
        notations = (str.upper, lambda m: m.replace(":", "-"), lambda m: m.replace(":", ""))
        drafts = [self.asset(i) for i in range(1, 241)]
        drafts[3] = self.asset(4, **{"MAC Address": format_mac(self.mac(250))})
        drafts += [
            self.asset(
                i, **{"Serial Number": "", "MAC Address": notations[i % 3](format_mac(self.mac(i)))}
            )
            for i in range(241, 249)
        ]
        drafts += [self.asset(249), self.asset(249, name=self.tag(249) + "-DUP")]
        drafts += [
            AssetDraft(
                f"{self.p}-R{j}",
                STUDENT_DEVICES,
                "new",
                custom_fields={"Serial Number": f"{self.p}RT{j}"},
            )
            for j in range(1, 6)
        ]
        return [(d, ()) for d in drafts]

    def scope(self) -> AssetQuery:
        return AssetQuery(catalog=STUDENT_DEVICES, name_prefix=self.p + "-")


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
