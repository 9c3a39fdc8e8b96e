"""The outbox's values: a desk operation held back while RT cannot be reached, and its life.

An operation is accepted (``queued``) with an idempotency key, in the order the desk sent
it; a worker replays it (``replaying``) when RT answers again, and it ends ``done``, or
``needs-attention`` with the reason when it no longer applies; an operator then retries it,
forces it (admin) or drops it (``dropped``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from attrs import field, frozen

from rtutils_core.assets import Asset
from rtutils_core.errors import InvalidInput

#: What the outbox holds back: the desk's writes (loans, new devices, tags).
OperationKind = Literal["check-out", "check-in", "intake-create", "tag-issue"]
KINDS: tuple[OperationKind, ...] = ("check-out", "check-in", "intake-create", "tag-issue")
#: The kinds that give or take back a device (the others leave its holder as it is).
LOAN_KINDS: tuple[OperationKind, ...] = ("check-out", "check-in")
#: The kind whose asset does not exist yet: its ``asset_id`` is the submission's stand-in
#: (a negative number that no asset has, as in the tag store).
CREATE: OperationKind = "intake-create"
TAG_ISSUE: OperationKind = "tag-issue"

OutboxState = Literal["queued", "replaying", "done", "needs-attention", "dropped"]
#: How a replay ends an operation it holds: done, set aside, or back in line (RT away).
ReplayEnd = Literal["done", "needs-attention", "queued"]
STATES: tuple[OutboxState, ...] = ("queued", "replaying", "done", "needs-attention", "dropped")
#: Operations still to be sent to RT: the outbox's depth.
WAITING: tuple[OutboxState, ...] = ("queued", "replaying")
#: Operations that hold back every later operation of the same asset.
OPEN: tuple[OutboxState, ...] = ("queued", "replaying", "needs-attention")

#: What an operator may do with an operation that needs attention.
Settlement = Literal["retry", "force", "drop"]
SETTLEMENTS: tuple[Settlement, ...] = ("retry", "force", "drop")

#: Longest idempotency key a client may send.
MAX_KEY = 200


def _mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return dict(value or {})


def check_key(key: str) -> str:
    """An idempotency key as a client sends it: printable, 1 to :data:`MAX_KEY` characters."""
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise InvalidInput(
            f"an idempotency key is 1 to {MAX_KEY} printable characters, not {len(key)}"
        )
    return key


@frozen
class Operation:
    """A desk write as accepted: what to do to which asset, for whom, under which key.

    ``payload`` holds the operation's own fields as plain JSON data (the person and due
    date of a check-out; the condition, damages, note and expected holders of a check-in;
    the device of an intake create; the prefix of a tag issue). An intake create's
    ``asset_id`` is its stand-in, negative, until the replay makes the asset.
    """

    kind: OperationKind
    asset_id: int
    tag: str
    key: str
    operator: str
    request_id: str
    payload: Mapping[str, Any] = field(factory=dict, converter=_mapping, hash=False)

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidInput(f"the outbox holds {', '.join(KINDS)}, not {self.kind!r}")
        if self.kind == CREATE:
            if self.asset_id >= 0:
                raise InvalidInput(f"a new device's stand-in id is negative, not {self.asset_id}")
        elif self.asset_id < 1:
            raise InvalidInput(f"asset id must be a positive whole number, not {self.asset_id}")
        check_key(self.key)


@frozen
class QueuedOperation(Operation):
    """An operation as the outbox keeps it; ``id`` is its place in the accepted order.

    ``steps`` is what replays did so far (a :class:`~rtutils_core.loans.LoanSteps`),
    ``result`` what the replay answered, ``reason`` why it needs attention, ``forced``
    that an admin said to apply it even so, ``settled_by`` who retried, forced or dropped it.
    """

    id: int = field(kw_only=True)
    state: OutboxState = field(kw_only=True)
    accepted: datetime = field(kw_only=True)
    updated: datetime = field(kw_only=True)
    reason: str = field(default="", kw_only=True)
    attempts: int = field(default=0, kw_only=True)
    steps: Mapping[str, Any] = field(factory=dict, converter=_mapping, hash=False, kw_only=True)
    result: Mapping[str, Any] = field(factory=dict, converter=_mapping, hash=False, kw_only=True)
    forced: bool = field(default=False, kw_only=True)
    settled_by: str = field(default="", kw_only=True)
    worker: str | None = field(default=None, kw_only=True)
    lease_until: datetime | None = field(default=None, kw_only=True)

    @property
    def is_waiting(self) -> bool:
        return self.state in WAITING

    def same_request(self, other: Operation) -> bool:
        """Whether ``other`` asks for the same thing (a repeat under the same key); what the
        outbox added when it accepted the operation (the holders it expected) is not asked."""
        return (self.kind, self.asset_id, asked(self.payload)) == (
            other.kind,
            other.asset_id,
            asked(other.payload),
        )


#: What the outbox adds to an operation's payload when it accepts it (not the desk's ask).
ADDED = frozenset({"expect_holders"})


def asked(payload: Mapping[str, Any]) -> dict[str, Any]:
    """``payload`` as the desk asked it, without what the outbox added on acceptance."""
    return {k: v for k, v in payload.items() if k not in ADDED}


@frozen
class Depth:
    """How full the outbox is: waiting operations, those needing attention, the oldest."""

    waiting: int = 0
    needs_attention: int = 0
    oldest_waiting: datetime | None = None


@frozen
class Accepted:
    """A desk write the outbox took: the operation and its place among those waiting.

    ``position`` is 1 for the next to be replayed; ``repeated`` means the same key came
    back and nothing new was queued. ``known`` is the device as last seen, if it was.
    """

    operation: QueuedOperation
    position: int
    waiting: int
    repeated: bool = False
    known: LastKnown | None = None


@frozen
class LastKnown:
    """An asset as this service last saw it in RT, and when (UTC)."""

    asset: Asset
    seen: datetime

    def age(self, now: datetime) -> float:
        """Seconds since it was seen."""
        return max(0.0, (now - self.seen).total_seconds())


@frozen
class Drain:
    """What one replay run did: operations applied, set aside, and whether RT stopped it."""

    applied: int = 0
    set_aside: int = 0
    rt_unreachable: bool = False


@frozen
class OutboxOptions:
    """How the outbox runs.

    ``lease``: seconds a replaying operation stays with its worker without a sign of life;
    ``warn_after``: seconds the oldest waiting operation may wait before health warns;
    ``retry_live_after``: seconds after RT was found unreachable in which the desk's
    writes go straight to the outbox instead of trying RT first.
    """

    lease: float = 30.0
    warn_after: float = 900.0
    retry_live_after: float = 10.0

    def __attrs_post_init__(self) -> None:
        for name in ("lease", "warn_after", "retry_live_after"):
            if getattr(self, name) <= 0:
                raise InvalidInput(f"the outbox's {name} must be positive")


@frozen
class Target:
    """The device a desk write is for, found without RT: its id, its tag and, if this
    service saw it, the asset as last seen."""

    asset_id: int
    tag: str
    known: LastKnown | None = None


@frozen
class Holders:
    """Who held a device as far as this service knows, where that comes from, and when.

    ``source`` is ``outbox`` (an operation waiting), ``loan log``, ``seen in RT`` or
    ``unknown`` (``names`` is None then).
    """

    names: tuple[str, ...] | None
    source: str = "unknown"
    at: datetime | None = None
