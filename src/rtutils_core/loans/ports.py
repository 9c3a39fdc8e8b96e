"""Ports of the loan desk: what it needs from the asset backend and from the loan log.

Every implementation passes ``tests/contract/test_loan_backend.py`` or
``tests/contract/test_loan_log.py`` (the in-memory fakes and RT 5 / SQLite alike).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol, runtime_checkable

from rtutils_core.assets import Asset, AssetPage, AssetQuery, TicketDraft, User
from rtutils_core.loans.manual_checkins import ManualEntry, ManualEvent
from rtutils_core.loans.values import AssetState, LoanEntry, LoanEvent, LoanFilter, LoanRole


@runtime_checkable
class LoanReads(Protocol):
    """What the loan desk reads of people and assets, as the asset backend reads them.

    Reading a person never creates one (RT creates a user for an unknown e-mail address put
    in a role, so people are resolved first and written by id).
    """

    def get_user(self, name: str) -> User:
        """A user by login name, or by e-mail address through a search; never creates one.

        Raises :class:`~rtutils_core.errors.UserNotFound`.
        """

    def find_people(self, names_or_emails: Sequence[str]) -> Mapping[str, User]:
        """Many users at once, by login name or e-mail address as :meth:`get_user` finds one.

        A few bulk searches for any number of people (RT: one per 50 names, and one more per
        50 addresses no login name matched); never creates a user. The answer maps each
        value found, as given, to its user; values nobody matches are left out.
        """

    def search_assets(self, query: AssetQuery, page: int = 1, per_page: int = 100) -> AssetPage:
        """One page of assets matching ``query`` (one request)."""

    def iter_assets(self, query: AssetQuery, *, people: bool = True) -> Iterator[Asset]:
        """Every asset matching ``query``, page after page, in bulk (``people=False``: no
        owner, holders or contacts, as the asset port's)."""


@runtime_checkable
class LoanBackend(LoanReads, Protocol):
    """The asset backend as the loan desk uses it: few requests, nothing written by accident."""

    def read_asset_state(self, asset_id: int) -> AssetState:
        """The asset with its version, its lifecycle moves and the tickets referring to it.

        One request. Raises :class:`~rtutils_core.errors.AssetNotFound`.
        """

    def write_loan(
        self,
        asset_id: int,
        role: LoanRole,
        person: User | None,
        status: str,
        *,
        if_version: str,
    ) -> None:
        """Put ``person`` (or nobody) in ``role`` and set ``status``, in one write.

        Raises :class:`~rtutils_core.errors.AssetChanged` when the asset is no longer at
        ``if_version``, and writes nothing then. Read the asset back to see what was stored.
        """

    def open_ticket(self, draft: TicketDraft) -> int:
        """Create a ticket that refers to ``draft.asset_id``; one request, never repeated.

        Read the asset back (:meth:`read_asset_state`) to check the link.
        """

    def ticket_subject(self, ticket_id: int) -> str:
        """The subject of a ticket (one request); how a ticket whose answer was lost is
        recognised among those referring to its asset."""

    def search_on_loan(
        self, role: LoanRole, catalog: str | None, page: int = 1, per_page: int = 100
    ) -> AssetPage:
        """One page of the assets of ``catalog`` (all when None) with someone in ``role``."""


@runtime_checkable
class LoanLog(Protocol):
    """The durable log of the loan desk. Every method is one transaction."""

    def record(self, entry: LoanEntry) -> LoanEvent:
        """Store ``entry`` at the current UTC time.

        Raises :class:`~rtutils_core.errors.LoanConflict` when an event with the same
        action, asset and ``based_on`` version is stored already (the same change, twice).
        """

    def get(self, event_id: int) -> LoanEvent:
        """One event; :class:`~rtutils_core.errors.LoanNotFound` if there is none."""

    def attach_ticket(self, event_id: int, ticket_id: int) -> LoanEvent:
        """Note the repair ticket opened for a check-in and clear its ticket error.

        Raises :class:`~rtutils_core.errors.LoanConflict` if the event has a ticket already.
        """

    def events(self, query: LoanFilter, limit: int | None = None) -> Sequence[LoanEvent]:
        """Events matching ``query``, oldest first; the first ``limit`` when given."""


@runtime_checkable
class ManualCheckInLog(Protocol):
    """The loan log's entries of their own kind: manual check-ins and their undoing.

    A loan log that keeps them implements this too (``tests/contract/test_manual_returns.py``).
    """

    def record_manual(self, entry: ManualEntry) -> ManualEvent:
        """Store ``entry`` at the current UTC time, in one transaction.

        An ``undo`` entry must name a manual check-in of the same student not undone yet;
        else :class:`~rtutils_core.errors.LoanNotFound` or
        :class:`~rtutils_core.errors.LoanConflict`, and nothing is stored.
        """

    def manual_events(
        self, since: datetime | None = None, student_id: str | None = None
    ) -> Sequence[ManualEvent]:
        """Manual entries (check-ins and undos) from ``since`` on, oldest first."""
