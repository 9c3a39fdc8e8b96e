"""The loan desk's values: who holds a device, what happened at the desk, and its options.

A loan is the person in one role of an asset (RT's ``Owner`` or ``HeldBy``) together with a
status. The loan log records every check-out and check-in; these values are what it stores.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Literal

from attrs import field, frozen

from rtutils_core.assets import Asset, User
from rtutils_core.errors import InvalidInput

#: The roles of an asset that can say who holds it.
LoanRole = Literal["Owner", "HeldBy"]
LOAN_ROLES: tuple[LoanRole, ...] = ("Owner", "HeldBy")

#: What the desk does: hand a device out, or take it back.
LoanAction = Literal["check-out", "check-in"]

#: The state a device comes back in.
Condition = Literal["ok", "damaged"]
CONDITIONS: tuple[Condition, ...] = ("ok", "damaged")

#: The longest note a check-in takes.
MAX_NOTE = 2000

DEFAULT_DAMAGES = (
    "broken screen",
    "missing charger",
    "keyboard",
    "trackpad",
    "battery",
    "case or hinge",
    "liquid",
)


def _texts(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@frozen
class LoanOptions:
    """How this district runs its desk (one value, passed to :class:`LoanService`)."""

    role: LoanRole = "Owner"
    checkout_status: str = "in-use"
    checkin_status: str = "allocated"
    repair_queue: str = "Device Repair"
    damages: tuple[str, ...] = field(default=DEFAULT_DAMAGES, converter=_texts)
    #: A loan due within this many days (today included) is "due soon".
    due_soon_days: int = 3

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.due_soon_days <= 365:  # noqa: PLR2004 - a year, as loans/due.py says
            raise InvalidInput(f"due-soon days must be 0 to 365, not {self.due_soon_days}")
        if self.role not in LOAN_ROLES:
            raise InvalidInput(f"the loan role must be Owner or HeldBy, not {self.role!r}")
        for name, value in (
            ("check-out status", self.checkout_status),
            ("check-in status", self.checkin_status),
            ("repair queue", self.repair_queue),
        ):
            if not value.strip():
                raise InvalidInput(f"the {name} may not be empty")
        if self.checkout_status == self.checkin_status:
            raise InvalidInput(
                f"check-out and check-in need different statuses, not both {self.checkin_status!r}"
            )
        if not self.damages or any(not d.strip() for d in self.damages):
            raise InvalidInput("the list of damages needs at least one name and no empty ones")

    def holders(self, asset: Asset) -> tuple[str, ...]:
        """Who holds ``asset`` in the loan role (user names; empty when nobody does)."""
        if self.role == "Owner":
            return (asset.owner,) if asset.owner else ()
        return asset.held_by

    def checked_report(
        self, condition: str, damages: Iterable[str], note: str
    ) -> tuple[tuple[str, ...], str]:
        """The damages and note of a check-in, cleaned; a malformed report is refused
        (:class:`InvalidInput`) before anything is written."""
        if condition not in CONDITIONS:
            raise InvalidInput(f"condition must be 'ok' or 'damaged', not {condition!r}")
        listed = tuple(dict.fromkeys(d.strip() for d in damages))
        unknown = [d for d in listed if d not in self.damages]
        if unknown:
            known = ", ".join(repr(d) for d in self.damages)
            raise InvalidInput(f"unknown damage {unknown[0]!r}; the list is: {known}")
        if condition == "ok" and listed:
            raise InvalidInput("a device in condition 'ok' cannot have damages")
        note = note.strip()
        if condition == "damaged" and not (listed or note):
            raise InvalidInput("a damaged device needs a damage from the list or a note")
        if len(note) > MAX_NOTE:
            raise InvalidInput(f"the note is longer than {MAX_NOTE} characters")
        return listed, note


@frozen
class AssetState:
    """An asset as the desk reads it: the asset, where its lifecycle lets it go, its tickets.

    ``moves`` is ``None`` when the backend does not tell. ``referred_by`` holds the ids of
    the tickets that refer to the asset.
    """

    asset: Asset
    moves: frozenset[str] | None = None
    referred_by: frozenset[int] = frozenset()


def check_due(due: date | None, today: date) -> date | None:
    """``due`` if it is ``today`` or later: a loan is never due before it begins."""
    if due is not None and due < today:
        raise InvalidInput(
            f"due must be today ({today.isoformat()}) or later, not {due.isoformat()}"
        )
    return due


@frozen
class LoanEntry:
    """A loan log event before the log stores it (the log adds ``id`` and ``at``).

    ``based_on`` is the asset version the change was written against: two events for the
    same asset and version are one change recorded twice, and the log refuses the second.
    """

    action: LoanAction
    asset_id: int
    tag: str
    person: str
    operator: str
    request_id: str
    based_on: str
    condition: Condition | None = None
    damages: tuple[str, ...] = field(default=(), converter=_texts)
    note: str = ""
    ticket_id: int | None = None
    ticket_error: str = ""
    due: date | None = None
    forced: bool = False


@frozen
class LoanEvent(LoanEntry):
    """One line of the loan log: the entry as stored, with its ``id`` and UTC time ``at``."""

    id: int = field(kw_only=True)
    at: datetime = field(kw_only=True)

    @property
    def needs_ticket(self) -> bool:
        """A check-in with something to report whose ticket is not open yet."""
        reported = bool(self.damages or self.note.strip())
        return self.action == "check-in" and reported and self.ticket_id is None


@frozen
class LoanFilter:
    """Which loan events to list; every given condition must hold, times are inclusive."""

    since: datetime | None = None
    until: datetime | None = None
    asset_id: int | None = None
    person: str | None = None

    def __attrs_post_init__(self) -> None:
        for name, moment in (("since", self.since), ("until", self.until)):
            if moment is not None and moment.tzinfo is None:
                raise InvalidInput(f"{name} needs a time zone (the loan log is in UTC)")
            try:  # a store compares in UTC: a moment that has no UTC time is refused here
                _ = moment and moment.astimezone(UTC)
            except OverflowError:
                raise InvalidInput(f"{name} {moment} is outside the calendar in UTC") from None
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("since must not be after until")

    def matches(self, event: LoanEvent) -> bool:
        return (
            (self.since is None or event.at >= self.since)
            and (self.until is None or event.at <= self.until)
            and (self.asset_id is None or event.asset_id == self.asset_id)
            and (self.person is None or event.person.casefold() == self.person.casefold())
        )


@frozen
class CheckOut:
    """What a check-out did. ``changed`` is false when the person held the device already."""

    asset: Asset
    person: User
    event: LoanEvent | None
    previous: tuple[str, ...] = ()
    changed: bool = True


@frozen
class CheckIn:
    """What a check-in did, and the returning holder's other devices still out.

    ``ticket_error`` says why the repair ticket could not be opened (the check-in stands;
    open it again with :meth:`LoanService.reopen_ticket`).
    """

    asset: Asset
    holders: tuple[str, ...]
    others: tuple[Asset, ...]
    event: LoanEvent
    ticket_id: int | None = None
    ticket_error: str = ""
    #: The due date of the loan the device came back from (None: none was set).
    due: date | None = None


@frozen
class PersonLoans:
    """A person and the devices they hold in the loan role."""

    person: User
    assets: tuple[Asset, ...]


@frozen
class StatusCheck:
    """How the configured statuses fit the backend's lifecycle, as far as it tells.

    ``problems`` are moves the backend refuses to offer; ``unknown`` are moves it could not
    be asked about (no asset in that status, or the backend keeps its lifecycle to itself).
    """

    problems: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()

    @property
    def is_ok(self) -> bool:
        return not self.problems
