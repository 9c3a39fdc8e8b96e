"""The steps of one desk operation as they happen, so that a later attempt resumes it.

A check-out or check-in writes to RT up to twice (the loan, then a repair ticket). An
attempt cut short between a write and its answer (RT went away, the process was killed)
must not repeat what RT already has: the :class:`Journal` is told each step just before it
is sent, and the outbox (``rtutils_core.outbox``) keeps it durable, so the next attempt
starts from :class:`LoanSteps` and reads RT again to see which of them landed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
from attrs import frozen

from rtutils_core.errors import InvalidInput


@frozen
class LoanSteps:
    """What earlier attempts of one operation sent to RT.

    ``written_from``: the asset version a loan write was sent against (None: no write was
    sent); ``holders``: who held the device then; ``tickets_before``: the tickets that
    referred to the asset when a repair ticket was asked for (None: none was asked for);
    ``ticket_id``: the repair ticket RT answered with.
    """

    written_from: str | None = None
    holders: tuple[str, ...] = ()
    tickets_before: frozenset[int] | None = None
    ticket_id: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON data (what the outbox stores)."""
        return {
            "written_from": self.written_from,
            "holders": list(self.holders),
            "tickets_before": None if self.tickets_before is None else sorted(self.tickets_before),
            "ticket_id": self.ticket_id,
        }

    @classmethod
    def of(cls, data: Mapping[str, Any] | None) -> LoanSteps:
        """The steps :meth:`as_dict` wrote (an empty mapping: nothing done yet)."""
        if not data:
            return cls()
        try:
            before = data.get("tickets_before")
            return cls(
                written_from=data.get("written_from"),
                holders=tuple(str(h) for h in data.get("holders") or ()),
                tickets_before=None if before is None else frozenset(int(t) for t in before),
                ticket_id=None if data.get("ticket_id") is None else int(data["ticket_id"]),
            )
        except (TypeError, ValueError):
            raise InvalidInput(f"the steps of a desk operation are unreadable: {data!r}") from None


class Journal:
    """The steps of one attempt; ``keep`` makes each durable before it is sent to RT.

    ``resumable``: an attempt that RT stops answering is resumed later (by the outbox), so
    a repair ticket that cannot be opened because RT is unreachable stops the check-in
    (to be resumed) instead of leaving it without its ticket.
    """

    def __init__(
        self,
        steps: LoanSteps | None = None,
        keep: Callable[[LoanSteps], None] | None = None,
        *,
        resumable: bool = False,
    ) -> None:
        self.steps = steps or LoanSteps()
        self._keep = keep
        self.resumable = resumable

    def note(self, **changes: Any) -> None:
        """Record a step (and keep it) before it is sent."""
        self.steps = attrs.evolve(self.steps, **changes)
        if self._keep is not None:
            self._keep(self.steps)
