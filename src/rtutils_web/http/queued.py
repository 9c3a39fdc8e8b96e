"""The answer of a desk write held back in the outbox while RT cannot be reached (202).

Every feature whose writes the outbox holds (the loan desk, intake, tags) answers with it,
so a client reads one shape whatever it sent.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from rtutils_core.outbox import CREATE, KINDS, TAG_ISSUE, Accepted
from rtutils_web.http.answers import prop

_STRING = {"type": "string"}


def _message(accepted: Accepted) -> str:
    op = accepted.operation
    place = f"({accepted.position} of {accepted.waiting})"
    if op.kind == CREATE:
        what = f"{op.tag} is reserved for the new device, whose asset is created"
    elif op.kind == TAG_ISSUE:
        what = f"{op.tag} is reserved for asset {op.asset_id} and written to RT"
    else:
        return (
            f"RT cannot be reached: the {op.kind} of {op.tag} waits in the outbox {place}"
            " and is sent when RT answers again"
        )
    return f"RT cannot be reached: {what} when RT answers again; it waits in the outbox {place}"


@frozen
class QueuedJson:
    """A desk write held back while RT cannot be reached (answered with 202).

    It is sent to RT, in the order accepted, when RT answers again; ``GET
    /api/v1/outbox/{operation_id}`` says how it went.
    """

    queued: bool = prop({"type": "boolean", "const": True})
    operation_id: int = prop({"type": "integer", "minimum": 1})
    action: str = prop({"type": "string", "enum": list(KINDS)})
    state: str = prop(_STRING)
    asset_id: int = prop(
        {
            "type": "integer",
            "description": "the device's RT id; for a new device (intake-create) a negative"
            " stand-in until RT has its asset",
        }
    )
    tag: str = prop({"type": "string", "description": "a tag issue's and a new device's: reserved"})
    position: int = prop({"type": "integer", "minimum": 0, "description": "1: sent next"})
    waiting: int = prop({"type": "integer", "minimum": 0, "description": "operations waiting"})
    repeated: bool = prop({"type": "boolean", "description": "accepted before; nothing new"})
    seen: datetime | None = prop(
        {"type": ["string", "null"], "format": "date-time", "description": "device last seen"}
    )
    message: str = prop(_STRING)

    @classmethod
    def of(cls, accepted: Accepted) -> QueuedJson:
        op = accepted.operation
        message = _message(accepted)
        seen = accepted.known.seen if accepted.known else None
        return cls(
            True, op.id, op.kind, op.state, op.asset_id, op.tag, accepted.position,
            accepted.waiting, accepted.repeated, seen, message,
        )  # fmt: skip
