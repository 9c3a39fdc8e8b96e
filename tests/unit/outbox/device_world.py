"""Intake creates and tag issues through the outbox, over the in-memory fakes: the intake
world's backend (its catalogs and Select fields) behind a switch that makes RT unreachable."""

from __future__ import annotations

from typing import Any

from attrs import define, field
from tests.intake_world import FORMATS, Clock, device, memory_backend
from tests.rt_harness import STUDENT_DEVICES
from tests.unit.outbox.outbox_world import AwayBackend, Clocks

from rtutils_adapters.memory import MemoryBackend, MemoryIntakeStore, MemoryLoanLog
from rtutils_adapters.memory.outbox import MemoryKnownAssets, MemoryOutbox
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_adapters.memory.tags import MemoryTagStore
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.intake import CallerKey
from rtutils_core.intake.service import IntakeService
from rtutils_core.loans import LoanOptions
from rtutils_core.loans.service import LoanService
from rtutils_core.outbox import OutboxOptions
from rtutils_core.outbox.device_ops import DeviceDesk
from rtutils_core.outbox.offline import OfflineDesk
from rtutils_core.outbox.replay import OutboxReplay
from rtutils_core.outbox.service import OutboxService
from rtutils_core.tags.service import TagService


@define
class DeviceWorld:
    backend: MemoryBackend
    rt: AwayBackend
    desk: DeviceDesk
    intake: IntakeService
    tags: TagService
    tag_store: MemoryTagStore
    outbox: OutboxService
    replay: OutboxReplay
    store: MemoryOutbox
    clocks: Clocks
    keys: int = field(default=0)

    def receive(self, serial: str, key: str | None = None, **changes: Any) -> Any:
        if key is None:
            self.keys += 1
            key = f"key-{self.keys}"
        return self.desk.receive(
            device(serial, **changes), CallerKey("desk", key), actor="desk", request_id=key
        )

    def issue(self, asset_id: int, prefix: str | None = None, key: str = "tag-1") -> Any:
        return self.desk.issue_tag(asset_id, prefix, actor="desk", request_id=key, key=key)

    def untagged(self, name: str = "Spare laptop") -> int:
        return self.backend.add_asset(AssetDraft(name, STUDENT_DEVICES, status="new")).id

    def with_serial(self, serial: str) -> list[Any]:
        return list(self.backend.iter_assets(AssetQuery(custom_fields={"Serial Number": serial})))


def device_world(prefix_by_catalog: dict[str, str] | None = None) -> DeviceWorld:
    backend = memory_backend()
    rt = AwayBackend(backend)
    clocks = Clocks()
    tag_store = MemoryTagStore()
    intake_clock = Clock()
    intake = IntakeService(
        rt,  # type: ignore[arg-type]
        tag_store,
        FORMATS,
        MemoryIntakeStore(intake_clock),
        clock=intake_clock,
        prefix_by_catalog=prefix_by_catalog or {},
    )
    tags = TagService(rt, tag_store, FORMATS, prefix_by_catalog or {})  # type: ignore[arg-type]
    loan_log = MemoryLoanLog(clocks.wall)
    loans = LoanService(rt, loan_log, LoanOptions())  # type: ignore[arg-type]
    store, known = MemoryOutbox(), MemoryKnownAssets()
    offline = OfflineDesk(store, known, loan_log, MemoryRoster(), FORMATS, loans.options)
    options = OutboxOptions(lease=60, warn_after=600, retry_live_after=10)
    outbox = OutboxService(
        store, known, loans, offline, rt.ping, options, clock=clocks.wall, monotonic=clocks.mono
    )
    replay = OutboxReplay(store, known, loans, options, clock=clocks.wall, intake=intake, tags=tags)
    desk = DeviceDesk(outbox, intake, tags)
    return DeviceWorld(backend, rt, desk, intake, tags, tag_store, outbox, replay, store, clocks)
