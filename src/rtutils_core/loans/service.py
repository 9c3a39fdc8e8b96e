"""The loan desk: check devices out to people and back in, with repair tickets that link.

Every write is conditional on the asset version just read (If-Match), and read back: RT
answers 200 to a write it partly ignored, so only the read-back says what RT holds. The
loan log records a change only after RT shows it, and refuses the same change twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date

import attrs

from rtutils_core.assets import Asset, AssetPage, AssetQuery, User
from rtutils_core.errors import (
    AlreadyCheckedIn,
    AssetChanged,
    BackendRejected,
    HeldByAnother,
    HolderChanged,
    InvalidInput,
    LoanConflict,
    PersonNotFound,
    RtutilsError,
    UserNotFound,
)
from rtutils_core.loans.due import last_events, loan_of
from rtutils_core.loans.journal import Journal
from rtutils_core.loans.ports import LoanBackend, LoanLog
from rtutils_core.loans.tickets import RepairTickets
from rtutils_core.loans.values import (
    AssetState,
    CheckIn,
    CheckOut,
    Condition,
    LoanEntry,
    LoanEvent,
    LoanFilter,
    LoanOptions,
    PersonLoans,
    StatusCheck,
)

# Standard logging with ids only: the people at the desk are students.
log = logging.getLogger("rtutils.loans")


class LoanService:
    """Check-out, check-in, repair tickets and the loan log, over the two loan ports."""

    def __init__(
        self, backend: LoanBackend, loan_log: LoanLog, options: LoanOptions | None = None
    ) -> None:
        self.backend = backend
        self.log = loan_log
        self.options = options or LoanOptions()
        self.tickets = RepairTickets(backend, loan_log, self.options)

    # -- people ------------------------------------------------------------------------

    def find_person(self, text: str) -> User:
        """The backend user a scanned or typed name or e-mail address stands for."""
        wanted = text.strip()
        if not wanted:
            raise InvalidInput("a person (login name or e-mail address) is needed")
        try:
            return self.backend.get_user(wanted)
        except UserNotFound:
            raise PersonNotFound(f"no user {wanted!r} in RT (nobody was created)") from None

    def find_people(self, texts: Sequence[str]) -> Mapping[str, User]:
        """Many people at once (bulk searches), keyed by the texts found; creates nobody."""
        return self.backend.find_people([t.strip() for t in texts if t.strip()])

    def person_loans(self, person: str | User) -> PersonLoans:
        """A person and every device they hold in the loan role (bulk searches)."""
        user = person if isinstance(person, User) else self.find_person(person)
        return PersonLoans(user, tuple(self.backend.iter_assets(self._held_by(user.name))))

    def _held_by(self, name: str) -> AssetQuery:
        if self.options.role == "Owner":
            return AssetQuery(owner=name)
        return AssetQuery(held_by=name)

    # -- check-out ---------------------------------------------------------------------

    def check_out(
        self,
        asset_id: int,
        person: str | User,
        *,
        operator: str,
        request_id: str,
        due: date | None = None,
        force: bool = False,
        expect_holders: tuple[str, ...] | None = None,
        journal: Journal | None = None,
    ) -> CheckOut:
        """Hand ``asset_id`` to ``person``; a device someone else holds needs ``force``.

        ``expect_holders``: who the desk knew held it; a forced check-out from someone else
        in RT now is :class:`HolderChanged` (the outbox's replay). ``journal`` carries the
        steps of earlier attempts of the same operation and is told each step before it is
        sent.
        """
        journal = journal or Journal()
        user = person if isinstance(person, User) else self.find_person(person)
        state = self.backend.read_asset_state(asset_id)
        before = state.asset
        holders = self.options.holders(before)
        status = self.options.checkout_status
        if holders == (user.name,) and before.status == status:
            if journal.steps.written_from is None:
                return CheckOut(before, user, None, holders, changed=False)
            # An earlier attempt's write landed: record it as the change it was.
            after, holders = before, journal.steps.holders
        else:
            others = tuple(h for h in holders if h != user.name)
            if others and not force:
                raise _held_by_another(before, others)
            if expect_holders is not None:
                _check_holders(before, others, tuple(h for h in expect_holders if h != user.name))
            journal.note(written_from=before.version or "", holders=holders)
            self._write(state, user, status, on_conflict=lambda s: self._out_conflict(s, user))
            after = self._confirm(before, (user.name,), status).asset
        entry = LoanEntry(
            action="check-out",
            asset_id=asset_id,
            tag=before.name,
            person=user.name,
            operator=operator,
            request_id=request_id,
            based_on=journal.steps.written_from or "",
            due=due,
            forced=any(h != user.name for h in holders),
        )
        event = self._record(entry, lambda: AssetChanged(_moved(before)))
        log.info(
            "loan_checked_out",
            extra={"asset_id": asset_id, "loan_id": event.id, "forced": entry.forced},
        )
        return CheckOut(after, user, event, holders)

    def _out_conflict(self, state: AssetState, user: User) -> RtutilsError:
        holders = self.options.holders(state.asset)
        if holders and holders != (user.name,):
            return _held_by_another(state.asset, holders)
        return AssetChanged(_moved(state.asset))

    # -- check-in ----------------------------------------------------------------------

    def check_in(
        self,
        asset_id: int,
        *,
        operator: str,
        request_id: str,
        condition: Condition = "ok",
        damages: Iterable[str] = (),
        note: str = "",
        open_ticket: bool = True,
        with_others: bool = True,
        expect_holders: tuple[str, ...] | None = None,
        journal: Journal | None = None,
    ) -> CheckIn:
        """Take ``asset_id`` back; damage or a note opens a repair ticket about it.

        ``expect_holders``: who the desk knew held it; someone else in RT now is
        :class:`HolderChanged` (the outbox's replay). ``journal`` as for :meth:`check_out`.
        """
        journal = journal or Journal()
        damages, note = self.options.checked_report(condition, damages, note)
        state = self.backend.read_asset_state(asset_id)
        before = state.asset
        status = self.options.checkin_status
        # The due date of the loan ending here (the desk says whether it came back late),
        # read before RT is written: nothing local can fail once it has the check-in.
        newest = last_events(self.log.events(LoanFilter(asset_id=asset_id))).get(asset_id)
        holders = self._take_back(state, status, expect_holders, journal)
        back = loan_of(holders, newest)
        entry = LoanEntry(
            action="check-in",
            asset_id=asset_id,
            tag=before.name,
            person=holders[0],
            operator=operator,
            request_id=request_id,
            based_on=journal.steps.written_from or "",
            condition=condition,
            damages=damages,
            note=note,
        )
        ticket_id, problem = None, ""
        if open_ticket and (damages or note):
            ticket_id, problem = self.tickets.open_for(entry, state, journal)
        after, problem = self._read_back_in(before, status, ticket_id, problem)
        entry = attrs.evolve(entry, ticket_id=ticket_id, ticket_error=problem)
        event = self._record(entry, lambda: _already_in(before))
        log.info(
            "loan_checked_in",
            extra={"asset_id": asset_id, "loan_id": event.id, "ticket_id": ticket_id},
        )
        others = self._others(holders[0], asset_id) if with_others else ()
        return CheckIn(
            after, holders, others, event, ticket_id, problem, back.due if back else None
        )

    def _take_back(
        self,
        state: AssetState,
        status: str,
        expect: tuple[str, ...] | None,
        journal: Journal,
    ) -> tuple[str, ...]:
        """Write the check-in (unless an earlier attempt's landed); who held the device."""
        before = state.asset
        holders = self.options.holders(before)
        if not holders:
            if journal.steps.written_from is None or not journal.steps.holders:
                raise _already_in(before)
            return journal.steps.holders  # an earlier attempt's write landed
        if expect is not None:
            _check_holders(before, holders, tuple(expect))
        journal.note(written_from=before.version or "", holders=holders)
        self._write(state, None, status, on_conflict=self._in_conflict)
        return holders

    def _in_conflict(self, state: AssetState) -> RtutilsError:
        if not self.options.holders(state.asset):
            return _already_in(state.asset)
        return AssetChanged(_moved(state.asset))

    def _read_back_in(
        self, before: Asset, status: str, ticket_id: int | None, problem: str
    ) -> tuple[Asset, str]:
        state = self._confirm(before, (), status)
        if ticket_id is not None and ticket_id not in state.referred_by:
            problem = f"RT created ticket {ticket_id} but did not link it to asset {before.id}"
        return state.asset, problem

    def _others(self, holder: str, asset_id: int) -> tuple[Asset, ...]:
        page = self.backend.search_assets(self._held_by(holder), per_page=100)
        return tuple(a for a in page.items if a.id != asset_id)

    def check_in_all(
        self, person: str | User, *, operator: str, request_id: str
    ) -> list[CheckIn | RtutilsError]:
        """Check in every device the person holds (condition ok); one result per device."""
        loans = self.person_loans(person)
        results: list[CheckIn | RtutilsError] = []
        for asset in loans.assets:
            try:
                results.append(
                    self.check_in(
                        asset.id, operator=operator, request_id=request_id, with_others=False
                    )
                )
            except RtutilsError as error:
                results.append(error)
        return results

    # -- repair tickets ----------------------------------------------------------------

    def reopen_ticket(self, loan_id: int) -> LoanEvent:
        """Open the repair ticket of a check-in whose ticket failed (no second check-in)."""
        return self.tickets.reopen(loan_id)

    # -- shared steps ------------------------------------------------------------------

    def _write(
        self,
        state: AssetState,
        user: User | None,
        status: str,
        *,
        on_conflict: Callable[[AssetState], RtutilsError],
    ) -> None:
        asset = state.asset
        try:
            self.backend.write_loan(
                asset.id, self.options.role, user, status, if_version=asset.version or ""
            )
        except AssetChanged:
            # Someone else changed it first: say what they did, if it is a loan.
            raise on_conflict(self.backend.read_asset_state(asset.id)) from None

    def _confirm(self, before: Asset, holders: tuple[str, ...], status: str) -> AssetState:
        """Read the asset back; if RT skipped part of the write, put the holder back."""
        state = self.backend.read_asset_state(before.id)
        now = state.asset
        missing = []
        if self.options.holders(now) != holders:
            missing.append(f"{self.options.role} ({', '.join(holders) or 'nobody'})")
        if now.status.casefold() != status.casefold():
            missing.append(f"status {status!r} (it is {now.status!r})")
        if not missing:
            return state
        raise BackendRejected(
            f"RT did not store the {' and '.join(missing)} of asset {before.id}"
            f" ({before.name}); {self._undo(before, now)}"
        )

    def _undo(self, before: Asset, now: Asset) -> str:
        """Put the holder of ``before`` back (RT writes a role even when it refuses a status)."""
        role, previous = self.options.role, self.options.holders(before)
        if self.options.holders(now) == previous:
            return "nothing was changed"
        try:
            user = self.backend.get_user(previous[0]) if previous else None
            self.backend.write_loan(before.id, role, user, now.status, if_version=now.version or "")
        except RtutilsError as error:
            return f"the {role} could not be put back ({error.message}); correct it in RT"
        return f"the {role} was put back to {previous[0] if previous else 'nobody'}"

    def _record(self, entry: LoanEntry, twice: Callable[[], RtutilsError]) -> LoanEvent:
        """Log ``entry``; the same change logged already is ``twice()``, unless an earlier
        attempt of this very operation (same request id) logged it: that event is it."""
        try:
            return self.log.record(entry)
        except LoanConflict:
            for event in self.log.events(LoanFilter(asset_id=entry.asset_id)):
                same = (event.action, event.based_on, event.request_id)
                if same == (entry.action, entry.based_on, entry.request_id):
                    return event
            raise twice() from None

    # -- the log and what is still out -------------------------------------------------

    def events(
        self, query: LoanFilter | None = None, limit: int | None = None
    ) -> Sequence[LoanEvent]:
        """Loan log events, oldest first."""
        return self.log.events(query or LoanFilter(), limit)

    def still_out(
        self, catalog: str | None = None, page: int = 1, per_page: int = 100
    ) -> AssetPage:
        """One page of the assets that have someone in the loan role (one search)."""
        return self.backend.search_on_loan(self.options.role, catalog, page, per_page)

    def iter_still_out(self, catalog: str | None = None) -> Iterator[Asset]:
        """Every asset out on loan, one search per page of 100."""
        page = 1
        while True:
            result = self.still_out(catalog, page, 100)
            yield from result.items
            if page >= result.pages:
                return
            page += 1

    def check_statuses(self, catalog: str | None = None) -> StatusCheck:
        """Whether the backend's lifecycle offers check-out and check-in, where it tells."""
        out, back = self.options.checkout_status, self.options.checkin_status
        problems: list[str] = []
        unknown: list[str] = []
        for start, goal in ((back, out), (out, back)):
            move = f"{start!r} -> {goal!r}"
            page = self.backend.search_assets(AssetQuery(catalog=catalog, status=start), per_page=1)
            if not page.items:
                unknown.append(f"{move}: no asset has status {start!r} to ask about")
                continue
            moves = self.backend.read_asset_state(page.items[0].id).moves
            if moves is None:
                unknown.append(f"{move}: RT does not tell its lifecycle to these credentials")
            elif goal not in moves:
                problems.append(f"{move}: RT's lifecycle offers only {', '.join(sorted(moves))}")
        return StatusCheck(tuple(problems), tuple(unknown))


def _held_by_another(asset: Asset, holders: Sequence[str]) -> HeldByAnother:
    who = ", ".join(holders)
    return HeldByAnother(
        f"asset {asset.id} ({asset.name}) is held by {who}; check it in first or force",
        tuple(holders),
    )


def _already_in(asset: Asset) -> AlreadyCheckedIn:
    return AlreadyCheckedIn(
        f"asset {asset.id} ({asset.name}) is already checked in (status {asset.status!r})"
    )


def _moved(asset: Asset) -> str:
    return f"asset {asset.id} ({asset.name}) changed in RT meanwhile; scan it again"


def _check_holders(asset: Asset, holders: tuple[str, ...], expect: tuple[str, ...]) -> None:
    """:class:`HolderChanged` unless RT's ``holders`` are those the desk knew."""
    if holders != expect:
        raise HolderChanged(
            f"asset {asset.id} ({asset.name}) is held by {', '.join(holders) or 'nobody'} in"
            f" RT, not by {', '.join(expect) or 'nobody'} as the desk knew",
            holders,
        )
