"""The outbox over the in-memory fakes: a backend that can be made unreachable, clocks the
test moves by hand, and every store in memory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from attrs import define, field
from tests.contract.conftest import load_memory
from tests.rt_harness import STUDENT_DEVICES

from rtutils_adapters.memory import MemoryBackend, MemoryLoanLog
from rtutils_adapters.memory.outbox import MemoryKnownAssets, MemoryOutbox
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_core.assets import AssetDraft
from rtutils_core.errors import BackendUnreachable
from rtutils_core.loans import LoanOptions
from rtutils_core.loans.service import LoanService
from rtutils_core.outbox import OutboxOptions, Target
from rtutils_core.outbox.offline import OfflineDesk
from rtutils_core.outbox.replay import OutboxReplay
from rtutils_core.outbox.service import OutboxService
from rtutils_core.students import Student
from rtutils_core.tags import TagFormat, TagFormats


class AwayBackend:
    """The fake backend, or RT that cannot be reached while ``away`` is set."""

    def __init__(self, backend: MemoryBackend) -> None:
        self.backend = backend
        self.away = False
        self.refused = 0

    #: What RTRestBackend answers without a request.
    LOCAL = frozenset({"asset_url"})
    #: The backend's parts, one per port beyond assets: unreachable with it.
    PARTS = frozenset({"loans", "intake_search", "user_fields"})

    def __getattr__(self, name: str) -> Any:
        real = getattr(self.backend, name)
        if name in self.PARTS:
            return _AwayPart(self, real)
        if not callable(real) or name in self.LOCAL:
            return real
        return self.guarded(real)

    def guarded(self, real: Callable[..., Any]) -> Callable[..., Any]:
        """``real``, refused while ``away`` is set."""

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.away:
                self.refused += 1
                raise BackendUnreachable("RT at rt.example.org could not be reached: refused")
            return real(*args, **kwargs)

        return call


class _AwayPart:
    """A part of the backend (the loan desk's, ...), away when its backend is."""

    def __init__(self, owner: AwayBackend, part: Any) -> None:
        self.owner = owner
        self.part = part

    def __getattr__(self, name: str) -> Any:
        real = getattr(self.part, name)
        return self.owner.guarded(real) if callable(real) else real


@define
class Clocks:
    """The wall clock (UTC) and the monotonic clock, moved by the test."""

    now: datetime = datetime(2025, 9, 1, 8, 0, tzinfo=UTC)
    seconds: float = 1000.0

    def wall(self) -> datetime:
        return self.now

    def mono(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)
        self.seconds += seconds


@define
class OutboxWorld:
    backend: MemoryBackend
    rt: AwayBackend
    loans: LoanService
    outbox: OutboxService
    replay: OutboxReplay
    store: MemoryOutbox
    clocks: Clocks
    ids: list[int] = field(factory=list)
    keys: int = 0

    def target(self, index: int) -> Target:
        asset = self.backend.get_asset(self.ids[index])
        return Target(asset.id, asset.name)

    def key(self) -> str:
        self.keys += 1
        return f"key-{self.keys}"

    def out(self, index: int, person: str, **options: Any) -> Any:
        return self.outbox.check_out(
            self.target(index), person, operator="desk", request_id=self.key(), key=self.key(),
            **options,
        )  # fmt: skip

    def back(self, index: int, **options: Any) -> Any:
        return self.outbox.check_in(
            self.target(index), operator="desk", request_id=self.key(), key=self.key(), **options
        )

    def holder(self, index: int) -> str | None:
        return self.backend.get_asset(self.ids[index]).owner


def outbox_world(devices: int = 4) -> OutboxWorld:
    backend, _ = load_memory(())
    ids = [
        backend.add_asset(AssetDraft(f"W12-{n:05d}", STUDENT_DEVICES, status="allocated")).id
        for n in range(1, devices + 1)
    ]
    rt = AwayBackend(backend)
    clocks = Clocks()
    loan_log = MemoryLoanLog(clocks.wall)
    loans = LoanService(rt, loan_log, LoanOptions())  # type: ignore[arg-type]
    store, known, roster = MemoryOutbox(), MemoryKnownAssets(), MemoryRoster()
    roster.apply([Student("S100", "Li", "Wei", "9", "li.wei", 2, "li.wei")])
    formats = TagFormats(TagFormat("W12-", 5))
    offline = OfflineDesk(store, known, loan_log, roster, formats, loans.options)
    options = OutboxOptions(lease=60, warn_after=600, retry_live_after=10)
    outbox = OutboxService(
        store, known, loans, offline, rt.ping, options, clock=clocks.wall, monotonic=clocks.mono
    )
    replay = OutboxReplay(store, known, loans, options, clock=clocks.wall)
    return OutboxWorld(backend, rt, loans, outbox, replay, store, clocks, ids)
