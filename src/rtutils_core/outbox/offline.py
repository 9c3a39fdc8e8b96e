"""What the desk can tell while RT cannot be reached: which device a tag names, who a person
is, and who held a device last, from this service's own records.

Those records are the assets seen in RT lately (:class:`~rtutils_core.outbox.ports.KnownAssets`),
the tag event log (a tag this service bound to an asset), the loan log, the roster and the
outbox itself. Every answer says where it comes from and how old it is; RT has the last
word when the operation is replayed.
"""

from __future__ import annotations

from attrs import define

from rtutils_core.assets import User
from rtutils_core.errors import InvalidInput, PersonNotFound, StudentNotFound, TagNotFound
from rtutils_core.loans import LoanFilter, LoanOptions
from rtutils_core.loans.ports import LoanLog
from rtutils_core.outbox.ports import KnownAssets, OutboxStore
from rtutils_core.outbox.values import LOAN_KINDS, OPEN, Holders, Target
from rtutils_core.students.ports import Roster
from rtutils_core.tags import TagFormats
from rtutils_core.tags.event_query import EventQuery
from rtutils_core.tags.ports import TagStore


@define
class OfflineDesk:
    """The desk's knowledge without RT."""

    store: OutboxStore
    known: KnownAssets
    loan_log: LoanLog
    roster: Roster
    formats: TagFormats
    options: LoanOptions
    tags: TagStore | None = None

    def device(self, text: str) -> Target:
        """The device a scanned tag names, as this service knows it.

        A scan that is not a tag is :class:`InvalidInput` (serials and internal names need
        RT); a tag never seen here is :class:`TagNotFound`.
        """
        if self.formats.read(text.strip()) is None:
            raise InvalidInput(
                f"RT cannot be reached: scan the device's tag (such as"
                f" {self.formats.default.example}); serial numbers and names need RT"
            )
        tag = str(self.formats.parse_lenient(text))
        seen = self.known.seen_by_tag(tag)
        if seen is not None:
            return Target(seen.asset.id, tag, seen)
        asset_id = self._bound(tag)
        if asset_id is None:
            raise TagNotFound(
                f"RT cannot be reached and this service has not seen a device with the tag"
                f" {tag!r}: it cannot be held back for later; try again when RT answers"
            )
        return Target(asset_id, tag, self.known.seen(asset_id))

    def _bound(self, tag: str) -> int | None:
        """The asset this service gave ``tag`` to, from the tag event log."""
        if self.tags is None:
            return None
        for event in self.tags.events(EventQuery(tag=tag, limit=20)):
            if event.state == "assigned" and event.asset_id is not None:
                return event.asset_id
        return None

    def target(self, asset_id: int) -> Target:
        """The device with this id, with what this service knows of it (the API's writes)."""
        seen = self.known.seen(asset_id)
        return Target(asset_id, seen.asset.name.strip() if seen else f"#{asset_id}", seen)

    def person(self, text: str, *, known_only: bool = True) -> User:
        """The RT user a person's scan or text stands for: a roster student id, a user name
        on the roster or one in the loan log (RT is asked for it again at replay). ``id``
        is 0 when only the loan log knows the name.

        ``known_only=False`` takes any other text as a login name for RT to check at
        replay (a person typed into a check-out); a scan must name someone known here.
        """
        wanted = text.strip()
        if not wanted:
            raise InvalidInput("a person (student card, login name) is needed")
        try:
            student = self.roster.get(wanted)
        except (StudentNotFound, InvalidInput):
            student = None
        if student is not None:
            name = student.user_name or student.rt_user
            if not name:
                raise PersonNotFound(f"student {wanted} is on the roster but has no RT user")
            return User(student.user_id or 0, name, student.full_name)
        folded = wanted.casefold()
        for row in self.roster.students():
            if folded in (row.user_name.casefold(), row.rt_user.casefold()):
                return User(row.user_id or 0, row.user_name or row.rt_user, row.full_name)
        if not known_only or self.loan_log.events(LoanFilter(person=wanted), limit=1):
            return User(0, wanted)
        raise PersonNotFound(
            f"RT cannot be reached and {wanted!r} is neither on the roster nor in the loan"
            " log; scan the student's card"
        )

    def held_by(self, name: str) -> list[Target]:
        """The devices ``name`` holds as far as this service knows (loan log and outbox)."""
        asset_ids = {e.asset_id: e.tag for e in self.loan_log.events(LoanFilter(person=name))}
        for operation in self.store.operations(states=OPEN):
            if operation.kind == "check-out" and operation.payload.get("person") == name:
                asset_ids[operation.asset_id] = operation.tag
        return [
            Target(asset_id, tag, self.known.seen(asset_id))
            for asset_id, tag in sorted(asset_ids.items())
            if self.holders(asset_id).names == (name,)
        ]

    def holders(self, asset_id: int) -> Holders:
        """Who holds the device as far as this service knows (the newest record wins)."""
        listed = self.store.operations(states=OPEN, asset_id=asset_id)
        waiting = [o for o in listed if o.kind in LOAN_KINDS]  # a tag issue leaves the holder
        if waiting:
            last = waiting[-1]
            names = (str(last.payload["person"]),) if last.kind == "check-out" else ()
            return Holders(names, "outbox", last.accepted)
        found = Holders(None)
        events = self.loan_log.events(LoanFilter(asset_id=asset_id))
        if events:
            event = events[-1]
            names = (event.person,) if event.action == "check-out" else ()
            found = Holders(names, "loan log", event.at)
        seen = self.known.seen(asset_id)
        if seen is not None and (found.at is None or seen.seen > found.at):
            found = Holders(self.options.holders(seen.asset), "seen in RT", seen.seen)
        return found
