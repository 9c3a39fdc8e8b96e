"""The outbox in the API: one held-back operation, the outbox with its depth, and the list's
filters. Operations name the people at the desk: operators only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from attrs import frozen

from rtutils_core.errors import InvalidInput
from rtutils_core.outbox import KINDS, STATES, Depth, OutboxState, QueuedOperation
from rtutils_web.http.answers import list_of, object_schema, prop
from rtutils_web.http.bodies import whole_number
from rtutils_web.http.properties import COUNT, STRING, TIME

MAX_LISTED = 500


@frozen
class OperationJson:
    """A desk write the outbox holds (or held) while RT could not be reached."""

    id: int = prop({"type": "integer", "minimum": 1, "description": "its place in line"})
    kind: str = prop({"type": "string", "enum": list(KINDS)})
    state: str = prop({"type": "string", "enum": list(STATES)})
    asset_id: int = prop(
        {"type": "integer", "description": "intake-create: the new device's negative stand-in"}
    )
    tag: str = prop(STRING)
    details: dict[str, Any] = prop(
        {
            "type": "object",
            "description": "check-out: person, due, force; check-in: condition, damages,"
            " note, ticket, expect_holders; intake-create: device, internal_name; tag-issue:"
            " prefix",
        }
    )
    operator: str = prop(STRING)
    accepted: datetime = prop(TIME)
    updated: datetime = prop(TIME)
    position: int = prop({**COUNT, "description": "place among those waiting; 0: not waiting"})
    attempts: int = prop(COUNT)
    reason: str = prop({"type": "string", "description": "why it needs attention"})
    forced: bool = prop({"type": "boolean"})
    settled_by: str = prop({"type": "string", "description": "who retried, forced or dropped"})
    result: dict[str, Any] = prop({"type": "object", "description": "what the replay did"})

    @classmethod
    def of(cls, op: QueuedOperation, position: int) -> OperationJson:
        return cls(
            op.id, op.kind, op.state, op.asset_id, op.tag, dict(op.payload), op.operator,
            op.accepted, op.updated, position, op.attempts, op.reason, op.forced, op.settled_by,
            dict(op.result),
        )  # fmt: skip


@frozen
class OutboxJson:
    """The outbox: how many operations wait or need attention, RT's state, and a list."""

    rt: str = prop({"type": "string", "enum": ["reachable", "unreachable"]})
    waiting: int = prop(COUNT)
    needs_attention: int = prop(COUNT)
    oldest_waiting: datetime | None = prop({"type": ["string", "null"], "format": "date-time"})
    is_old: bool = prop(
        {"type": "boolean", "description": "the oldest waits longer than OUTBOX_WARN_AGE"}
    )
    operations: list[OperationJson] = prop(list_of("OutboxOperation"))

    @classmethod
    def of(
        cls,
        rt: bool,
        depth: Depth,
        is_old: bool,
        listed: Sequence[tuple[QueuedOperation, int]],
    ) -> OutboxJson:
        return cls(
            "reachable" if rt else "unreachable",
            depth.waiting,
            depth.needs_attention,
            depth.oldest_waiting,
            is_old,
            [OperationJson.of(op, position) for op, position in listed],
        )


SCHEMAS: dict[str, Any] = {
    "OutboxOperation": object_schema(OperationJson),
    "Outbox": object_schema(OutboxJson),
}

#: The states listed when the list names none: what is not finished.
OPEN_STATES: tuple[OutboxState, ...] = ("queued", "replaying", "needs-attention")


@frozen
class OutboxFilter:
    states: tuple[OutboxState, ...]
    limit: int = 100


def outbox_filter(args: Mapping[str, str]) -> OutboxFilter:
    """The list's filters from query arguments; :class:`InvalidInput` names a bad one."""
    state = args.get("state")
    if state is not None and state not in STATES:
        raise InvalidInput(f"state must be one of {', '.join(STATES)}, not {state!r}")
    limit = whole_number(args["limit"], "limit") if "limit" in args else 100
    if not 1 <= limit <= MAX_LISTED:
        raise InvalidInput(f"limit must be between 1 and {MAX_LISTED}, not {limit}")
    states: tuple[OutboxState, ...] = (state,) if state else OPEN_STATES
    return OutboxFilter(states, limit)
