"""Repair tickets of the loan desk: what one says, opening it once, and opening it again.

A ticket is opened with one request that is never repeated (a repeat would open a second
ticket). An attempt cut short after that request (see :mod:`rtutils_core.loans.journal`)
looks for the ticket among those that came to refer to the asset since, by its subject,
before it asks for one.
"""

from __future__ import annotations

import logging

from rtutils_core.assets import TicketDraft
from rtutils_core.errors import (
    BackendRejected,
    BackendUnreachable,
    InvalidInput,
    LoanConflict,
    RtutilsError,
)
from rtutils_core.loans.journal import Journal
from rtutils_core.loans.ports import LoanBackend, LoanLog
from rtutils_core.loans.values import AssetState, LoanEntry, LoanEvent, LoanOptions

log = logging.getLogger("rtutils.loans")


class RepairTickets:
    """The repair tickets of check-ins, over the loan backend and the loan log."""

    def __init__(self, backend: LoanBackend, loan_log: LoanLog, options: LoanOptions) -> None:
        self.backend = backend
        self.log = loan_log
        self.options = options

    def draft(self, entry: LoanEntry | LoanEvent) -> TicketDraft:
        """The ticket a check-in with damage or a note opens about its asset."""
        damages = ", ".join(entry.damages)
        subject = f"Repair {entry.tag}: {damages or 'see note'}"
        lines = [
            f"Checked in at the loan desk by {entry.operator} (request {entry.request_id}).",
            f"Asset: {entry.tag} (#{entry.asset_id})",
            f"Damages: {damages or 'none listed'}",
        ]
        if entry.note:
            lines.append(f"Note: {entry.note}")
        return TicketDraft(
            queue=self.options.repair_queue,
            subject=subject[:200],
            asset_id=entry.asset_id,
            content="\n".join(lines),
        )

    def open_for(
        self, entry: LoanEntry, state: AssetState, journal: Journal
    ) -> tuple[int | None, str]:
        """The ticket of a check-in: the one an earlier attempt opened, or a new one.

        Returns the ticket id, or None and why it could not be opened (the check-in
        stands). RT unreachable stops a resumable attempt instead (see :class:`Journal`).
        """
        draft = self.draft(entry)
        steps = journal.steps
        if steps.ticket_id is not None:
            return steps.ticket_id, ""
        if steps.tickets_before is not None:
            found = self._opened_since(draft, steps.tickets_before, state)
            if found is not None:
                journal.note(ticket_id=found)
                return found, ""
        journal.note(tickets_before=state.referred_by)
        try:
            ticket_id = self.backend.open_ticket(draft)
        except RtutilsError as error:
            if journal.resumable and isinstance(error, BackendUnreachable):
                raise
            return None, self._failed(entry, error)
        journal.note(ticket_id=ticket_id)
        return ticket_id, ""

    def _opened_since(
        self, draft: TicketDraft, before: frozenset[int], state: AssetState
    ) -> int | None:
        """The ticket an attempt asked for whose answer was lost: new since, same subject."""
        for ticket_id in sorted(state.referred_by - before):
            if self.backend.ticket_subject(ticket_id) == draft.subject:
                log.info(
                    "loan_ticket_found", extra={"asset_id": draft.asset_id, "ticket_id": ticket_id}
                )
                return ticket_id
        return None

    def _failed(self, entry: LoanEntry, error: RtutilsError) -> str:
        log.warning("loan_ticket_failed", extra={"asset_id": entry.asset_id, "code": error.code})
        return f"the repair ticket could not be opened: {error.message}"

    def reopen(self, loan_id: int) -> LoanEvent:
        """Open the repair ticket of a check-in whose ticket failed (no second check-in)."""
        event = self.log.get(loan_id)
        if event.ticket_id is not None:
            raise LoanConflict(f"loan {loan_id} has repair ticket {event.ticket_id} already")
        if not event.needs_ticket:
            raise InvalidInput(f"loan {loan_id} is not a check-in with damage or a note")
        ticket_id = self.backend.open_ticket(self.draft(event))
        state = self.backend.read_asset_state(event.asset_id)
        if ticket_id not in state.referred_by:
            raise BackendRejected(
                f"RT created ticket {ticket_id} but did not link it to asset {event.asset_id}"
            )
        log.info("loan_ticket_opened", extra={"loan_id": loan_id, "ticket_id": ticket_id})
        return self.log.attach_ticket(loan_id, ticket_id)
