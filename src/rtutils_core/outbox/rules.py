"""The outbox's rules that every store keeps, inside its own transaction: which operation
may be replayed next, and what retrying, forcing or dropping does to one."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from rtutils_core.errors import OutboxConflict
from rtutils_core.outbox.values import OPEN, OutboxState, QueuedOperation, Settlement


def is_claimable(operation: QueuedOperation, now: datetime) -> bool:
    """Queued, or replaying by a worker whose lease ended (it died)."""
    if operation.state == "queued":
        return True
    lease = operation.lease_until
    return operation.state == "replaying" and lease is not None and lease < now


def next_claim(operations: Iterable[QueuedOperation], now: datetime) -> QueuedOperation | None:
    """The oldest claimable operation of ``operations`` (all of them, accepted order) whose
    device has no earlier open operation: one operation of a device at a time, in order."""
    blocked: set[int] = set()
    for operation in operations:
        if operation.asset_id in blocked:
            continue
        if is_claimable(operation, now):
            return operation
        if operation.state in OPEN:
            blocked.add(operation.asset_id)
    return None


#: The state each settlement leaves an operation in.
SETTLED: dict[Settlement, OutboxState] = {"retry": "queued", "force": "queued", "drop": "dropped"}


def settled(
    operation: QueuedOperation, action: Settlement, *, by: str, now: datetime
) -> QueuedOperation:
    """``operation`` after ``action``: one that needs attention may be retried, forced or
    dropped, a queued one dropped; anything else is :class:`OutboxConflict`."""
    allowed = operation.state == "needs-attention" or (
        operation.state == "queued" and action == "drop"
    )
    if not allowed:
        raise OutboxConflict(
            f"operation {operation.id} is {operation.state}: only one that needs attention"
            f" can be retried or forced, and only it or a queued one dropped, not {action}"
        )
    return attrs.evolve(
        operation,
        state=SETTLED[action],
        forced=operation.forced or action == "force",
        settled_by=by,
        updated=now,
        reason=operation.reason if action == "drop" else "",
    )
