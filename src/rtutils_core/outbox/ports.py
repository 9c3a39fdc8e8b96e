"""Ports of the outbox: where held-back operations are kept, and the assets last seen.

Every implementation passes ``tests/contract/outbox/test_outbox_store.py`` (memory, SQLite,
PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from rtutils_core.assets import Asset
from rtutils_core.outbox.values import (
    Depth,
    LastKnown,
    Operation,
    OutboxState,
    QueuedOperation,
    ReplayEnd,
    Settlement,
)


@runtime_checkable
class OutboxStore(Protocol):
    """The durable outbox, safe against other threads, processes and instances using it.

    Every method is one transaction. ``worker`` arguments name a claim: a write by a worker
    that no longer holds the operation (its lease ran out and another took it) changes
    nothing and answers False.
    """

    def add(
        self, operation: Operation, *, now: datetime, steps: Mapping[str, Any] | None = None
    ) -> tuple[QueuedOperation, bool]:
        """Queue ``operation`` after every other, with the ``steps`` a live attempt got
        done; ``(stored, True)``.

        Under a key stored already: that operation and False when it asks for the same,
        :class:`~rtutils_core.errors.IdempotencyKeyReused` when it asks for something else.
        """

    def by_key(self, key: str) -> QueuedOperation | None:
        """The operation stored under idempotency key ``key``, if any."""

    def get(self, operation_id: int) -> QueuedOperation:
        """One operation; :class:`~rtutils_core.errors.OperationNotFound` if none."""

    def operations(
        self,
        *,
        states: Sequence[OutboxState] | None = None,
        asset_id: int | None = None,
        limit: int = 100,
    ) -> Sequence[QueuedOperation]:
        """Operations in accepted order (oldest first), the first ``limit``."""

    def position(self, operation_id: int) -> int:
        """How many waiting operations come up to and with this one (0: it is not waiting)."""

    def depth(self) -> Depth:
        """Waiting operations, those needing attention, and the oldest waiting one's time."""

    def claim(self, worker: str, *, now: datetime, lease_until: datetime) -> QueuedOperation | None:
        """Take the oldest operation that may be replayed now, for ``worker``.

        That is a ``queued`` one, or a ``replaying`` one whose lease ended before ``now``
        (its worker died), of an asset with no earlier open operation. It becomes
        ``replaying`` (attempts + 1). Never hands one operation to two workers at once.
        """

    def keep_steps(
        self,
        operation_id: int,
        worker: str,
        steps: Mapping[str, Any],
        *,
        now: datetime,
        lease_until: datetime,
    ) -> bool:
        """Store the replay's steps and renew the lease (before each write to RT)."""

    def finish(
        self,
        operation_id: int,
        worker: str,
        state: ReplayEnd,
        *,
        now: datetime,
        reason: str = "",
        result: Mapping[str, Any] | None = None,
    ) -> bool:
        """End a replay: done (with its result), set aside (with the reason), or back in
        line (``queued``, RT went away; its steps are kept)."""

    def settle(
        self, operation_id: int, action: Settlement, *, by: str, now: datetime
    ) -> QueuedOperation:
        """Retry (queued again), force (queued again, ``forced``) or drop an operation that
        needs attention; a queued one may be dropped too. Anything else is
        :class:`~rtutils_core.errors.OutboxConflict`."""


@runtime_checkable
class KnownAssets(Protocol):
    """The assets this service saw last in RT, for the desk to go on while RT is away."""

    def remember(self, assets: Iterable[Asset], *, now: datetime) -> None:
        """Keep these as the latest known state of each (one transaction)."""

    def seen_by_tag(self, tag: str) -> LastKnown | None:
        """The asset last seen with Name ``tag``, if any."""

    def seen(self, asset_id: int) -> LastKnown | None:
        """The asset last seen with this id, if any."""
