"""The loan desk's world on both backends: the in-memory fake and the real RT 5.

``loan_world`` is parametrised over ``memory`` and ``rt``. Tests make their own devices
(unique names) so they never disturb each other on the one shared RT.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from attrs import define, field
from tests.rt_harness import STUDENT_DEVICES, RTServer, unique_name

from rtutils_adapters.memory import MemoryBackend
from rtutils_core.assets import AssetDraft
from rtutils_core.loans.ports import LoanBackend

REPAIR_QUEUE = "Device Repair"


@define
class LoanWorld:
    """A backend for the desk, a way to add devices, and the backend's own view of things."""

    kind: str
    backend: LoanBackend
    _insert: Callable[[list[tuple[AssetDraft, tuple[str, ...]]]], dict[str, int]]
    user_count: Callable[[], int]
    ticket: Callable[[int], dict[str, Any]]

    spare: list[int] = field(factory=list)

    def devices(
        self, count: int, status: str = "allocated", owner: str | None = None, held_by=()
    ) -> list[int]:
        """``count`` new devices in Student Devices; their ids in order."""
        plain = (status, owner, tuple(held_by)) == ("allocated", None, ())
        if plain and len(self.spare) >= count:
            taken = self.spare[:count]
            del self.spare[:count]  # the list is the session's: taken devices are gone
            return taken
        drafts = _drafts(count, status, owner)
        ids = self._insert([(d, tuple(held_by)) for d in drafts])
        return [ids[d.name] for d in drafts]


def _drafts(count: int, status: str = "allocated", owner: str | None = None) -> list[AssetDraft]:
    prefix = unique_name("LOAN")
    return [
        AssetDraft(
            name=f"{prefix}-{i:02d}",
            catalog=STUDENT_DEVICES,
            status=status,
            owner=owner,
            custom_fields={"Type": "Chromebook"},
        )
        for i in range(count)
    ]


def _memory_world() -> LoanWorld:
    from tests.contract.conftest import load_memory  # conftest imports this module

    backend, _ = load_memory(())

    def insert(items):
        return {d.name: backend.add_asset(d, held_by).id for d, held_by in items}

    def ticket(ticket_id: int) -> dict[str, Any]:
        draft = backend.ticket(ticket_id)
        return {"queue": draft.queue, "refers_to": [draft.asset_id], "subject": draft.subject}

    return LoanWorld("memory", backend, insert, lambda: len(backend.records.users), ticket)


def _rt_world(server: RTServer, backend: LoanBackend) -> LoanWorld:
    def users() -> int:
        return int(server._rest_get("/users", {"per_page": 1})["total"])

    def ticket(ticket_id: int) -> dict[str, Any]:
        data = server._rest_get(f"/ticket/{ticket_id}", {"fields[Queue]": "Name"})
        links = [
            int(h["id"])
            for h in data["_hyperlinks"]
            if h.get("ref") == "refers-to" and h.get("type") == "asset"
        ]
        queue = server._rest_get(f"/queue/{data['Queue']['id']}", {})["Name"]
        return {"queue": queue, "refers_to": links, "subject": data["Subject"]}

    return LoanWorld("rt", backend, server.insert_assets, users, ticket)


#: Devices loaded into RT once per session: one run of rt-setup-database (seconds each)
#: instead of one per test.
RT_SPARE_DEVICES = 90


@pytest.fixture(scope="session")
def rt_spare_devices(rt_server: RTServer) -> list[int]:
    drafts = _drafts(RT_SPARE_DEVICES)
    ids = rt_server.insert_assets([(d, ()) for d in drafts])
    return [ids[d.name] for d in drafts]


@pytest.fixture(params=["memory", pytest.param("rt", marks=pytest.mark.rt)])
def loan_world(request: pytest.FixtureRequest) -> LoanWorld:
    if request.param == "memory":
        return _memory_world()
    server = request.getfixturevalue("rt_server")
    world = _rt_world(server, request.getfixturevalue("rt_backend"))
    world.spare = request.getfixturevalue("rt_spare_devices")
    return world


__all__ = ["REPAIR_QUEUE", "LoanWorld", "MemoryBackend", "loan_world", "rt_spare_devices"]
