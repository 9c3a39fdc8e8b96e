"""A location of 60 devices in the real RT, three devices of another location, and a larger
location for counting pages: loaded once per session in one run of rt-setup-database."""

from __future__ import annotations

import uuid

import pytest
from attrs import frozen
from tests.rt_harness import STUDENT_DEVICES, RTServer

from rtutils_core.assets import AssetDraft

ROOM_SIZE = 60
OTHERS = 3
HALL_SIZE = 160  # two pages of 100


@frozen
class AuditWorld:
    prefix: str  # the tags' prefix, e.g. "AQK-"
    room: str  # Location of the 60
    other_room: str  # Location of the 3
    hall: str  # Location of the 160
    shelf: str  # Location of 3 devices that one test changes (lost, moved)
    bench: str  # Location of 1 device that test moves to the shelf
    ids: dict[str, int]

    def tag(self, n: int) -> str:
        return f"{self.prefix}{n:05d}"

    @property
    def room_tags(self) -> list[str]:
        return [self.tag(n) for n in range(1, ROOM_SIZE + 1)]

    @property
    def shelf_tags(self) -> list[str]:
        start = ROOM_SIZE + OTHERS + HALL_SIZE + 1
        return [self.tag(n) for n in range(start, start + 3)]

    @property
    def bench_tag(self) -> str:
        return self.tag(ROOM_SIZE + OTHERS + HALL_SIZE + 4)

    @property
    def other_tags(self) -> list[str]:
        return [self.tag(n) for n in range(ROOM_SIZE + 1, ROOM_SIZE + OTHERS + 1)]


def _device(tag: str, location: str, model: str) -> tuple[AssetDraft, tuple[str, ...]]:
    fields = {"Location": location, "Model": model, "Serial Number": "SN" + tag}
    return AssetDraft(tag, STUDENT_DEVICES, "allocated", custom_fields=fields), ()


@pytest.fixture(scope="session")
def audit_world(rt_server: RTServer) -> AuditWorld:
    """The audits' devices in the session's RT, under a prefix of their own."""
    key = uuid.uuid4().hex[:4].upper()
    prefix = "A" + "".join(chr(65 + int(c, 16) % 26) for c in key[:2]) + "-"
    names = ("Room 101", "Room 102", "Hall", "Shelf", "Bench")
    room, other, hall, shelf, bench = (f"{name} {key}" for name in names)
    items = [
        _device(f"{prefix}{n:05d}", room, "Chromebook 3100" if n % 3 else "Chromebook 314")
        for n in range(1, ROOM_SIZE + 1)
    ]
    items += [
        _device(f"{prefix}{n:05d}", other, "Chromebook 3100")
        for n in range(ROOM_SIZE + 1, ROOM_SIZE + OTHERS + 1)
    ]
    start = ROOM_SIZE + OTHERS + 1
    items += [
        _device(f"{prefix}{n:05d}", hall, "Chromebook 314") for n in range(start, start + HALL_SIZE)
    ]
    start += HALL_SIZE
    items += [_device(f"{prefix}{n:05d}", shelf, "Charger") for n in range(start, start + 3)]
    items.append(_device(f"{prefix}{start + 3:05d}", bench, "Charger"))
    return AuditWorld(prefix, room, other, hall, shelf, bench, rt_server.insert_assets(items))
