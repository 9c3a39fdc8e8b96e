"""A made-up fleet of Chromebooks for the Google sync: devices for the stand-in, assets for RT.

Device ``i`` has serial ``<p>SN<i>``; RT knows 1-240 by serial and 241-248 only by a MAC
address (written in several notations); 249's serial is on two assets, device 2's
annotation names asset 5, and asset 4's MAC field holds the MAC of device 250 (so two
devices claim it): three conflicts. 251-300 are not in RT, and five RT assets are not in
Google. Used by tests/contract/google/test_chrome_sync.py and benchmarks/google_sync.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from attrs import define

from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.google import ChromeDevice, format_mac
from tests.rt_harness import STUDENT_DEVICES

DEVICES = 300
PAGE_SIZE = 100
#: Users of the harness that own nothing else: the fleet's 250 assets would otherwise make
#: every search for a person's devices (the loan desk tests) read hundreds of assets.
OWNERS = ("kwame.asante", "ines.duarte", "tomas.novak")
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
