"""The loan desk in the API: check-out and check-in bodies, loans, people and devices out.

The data is about students: answers with names go to operators; a viewer's answers carry
counts only (``names_shown`` says which one a caller got).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time
from typing import Any

from attrs import frozen

from rtutils_core.assets import Asset, User
from rtutils_core.errors import InvalidInput
from rtutils_core.loans import CONDITIONS, CheckIn, CheckOut, LoanEvent, LoanOptions, check_due
from rtutils_core.loans.due import DUE_STATES, DueLoan
from rtutils_core.loans.due_dates import DueDates
from rtutils_core.loans.service import LoanService
from rtutils_core.loans.values import MAX_NOTE
from rtutils_web.http.answers import FieldsFrom, answer_of, list_of, object_schema, prop, ref
from rtutils_web.http.properties import ID, STRING
from rtutils_web.http.queued import QueuedJson

_NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1}
_STRINGS = {"type": "array", "items": STRING}
_NAMES_SHOWN = prop({"type": "boolean", "description": "false for a viewer: counts only, no names"})

# -- request bodies -------------------------------------------------------------------


@frozen
class CheckOutBody:
    person: str = prop(
        {"type": "string", "pattern": "\\S", "description": "RT login name or e-mail address"}
    )
    due: str | None = prop({"type": ["string", "null"], "format": "date"}, default=None)
    force: bool = prop(
        {
            "type": "boolean",
            "default": False,
            "description": "take it from its holder (admin only; logged as forced)",
        },
        default=False,
    )


@frozen
class CheckInBody:
    condition: str = prop(
        {"type": "string", "enum": list(CONDITIONS), "default": "ok"}, default="ok"
    )
    damages: list[str] | None = prop(
        {
            "type": ["array", "null"],
            "items": STRING,
            "description": "names from the DAMAGES setting (condition damaged)",
        },
        default=None,
    )
    note: str = prop({"type": "string", "maxLength": MAX_NOTE}, default="")
    ticket: bool = prop(
        {
            "type": "boolean",
            "default": True,
            "description": "open a repair ticket for damage or a note",
        },
        default=True,
    )


def due_date(text: str | None, today: date) -> date | None:
    """The due date of a check-out, ``YYYY-MM-DD``, ``today`` or later."""
    if text is None or not text.strip():
        return None
    try:
        due = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"due must be a date YYYY-MM-DD, not {text!r}") from None
    return check_due(due, today)


def moment(text: str | None, name: str, *, end_of_day: bool = False) -> datetime | None:
    """A time of a filter: a day (``YYYY-MM-DD``, the whole day) or an instant (UTC if bare)."""
    if text is None:
        return None
    text = text.upper()  # RFC 3339 allows a lower-case t and z
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end_of_day else time.min, UTC)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{name} must be a day YYYY-MM-DD or a time like 2026-12-01T08:00:00Z, not {text!r}"
        ) from None
    try:
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    except OverflowError:  # past the calendar's edge in UTC: the edge filters the same
        return (datetime.min if value.year == 1 else datetime.max).replace(tzinfo=UTC)


# -- answers --------------------------------------------------------------------------


@frozen
class PersonJson(FieldsFrom[User]):
    """An RT user as the desk shows them (operators only)."""

    id: int = prop(ID)
    name: str = prop({"type": "string", "description": "RT login name"})
    real_name: str = prop(STRING)
    email: str = prop(STRING)


@frozen
class LoanAssetJson:
    """A device as the desk shows it: who holds it in the loan role."""

    id: int = prop(ID)
    name: str = prop({"type": "string", "description": "the asset's Name (its tag)"})
    catalog: str = prop(STRING)
    status: str = prop(STRING)
    holders: list[str] = prop({**_STRINGS, "description": "the users in the loan role"})

    @classmethod
    def of(cls, asset: Asset, options: LoanOptions) -> LoanAssetJson:
        return answer_of(cls, asset, holders=list(options.holders(asset)))


@frozen
class LoanEventJson:
    """One line of the loan log."""

    id: int = prop(ID)
    at: datetime = prop({"type": "string", "format": "date-time"})
    action: str = prop({"type": "string", "enum": ["check-out", "check-in"]})
    asset_id: int = prop(ID)
    tag: str = prop(STRING)
    person: str = prop({"type": "string", "description": "RT login name of the holder"})
    operator: str = prop(STRING)
    condition: str | None = prop({"type": ["string", "null"], "enum": [*CONDITIONS, None]})
    damages: list[str] = prop(_STRINGS)
    note: str = prop(STRING)
    ticket_id: int | None = prop(_NULLABLE_ID)
    ticket_error: str = prop({"type": "string", "description": "why the ticket failed"})
    due: str | None = prop({"type": ["string", "null"], "format": "date"})
    forced: bool = prop({"type": "boolean"})
    request_id: str = prop(STRING)

    @classmethod
    def of(cls, event: LoanEvent) -> LoanEventJson:
        due = event.due.isoformat() if event.due else None
        return answer_of(cls, event, damages=list(event.damages), due=due)


_EVENT = ref("LoanEvent")
_NULLABLE_EVENT = {"oneOf": [_EVENT, {"type": "null"}]}
_ASSET = ref("LoanAsset")
_ASSETS = {"type": "array", "items": _ASSET}


@frozen
class CheckOutJson:
    """What a check-out did; ``changed`` is false when the person held the device already."""

    asset: LoanAssetJson = prop(_ASSET)
    person: PersonJson = prop(ref("Person"))
    previous: list[str] = prop({**_STRINGS, "description": "holders before (a forced one)"})
    changed: bool = prop({"type": "boolean"})
    loan: LoanEventJson | None = prop(_NULLABLE_EVENT)

    @classmethod
    def of(cls, done: CheckOut, options: LoanOptions) -> CheckOutJson:
        event = LoanEventJson.of(done.event) if done.event else None
        asset = LoanAssetJson.of(done.asset, options)
        return cls(asset, PersonJson.of(done.person), list(done.previous), done.changed, event)


@frozen
class AssetDueJson:
    """When a device a person holds is due back (the check-out's due date in the loan log)."""

    asset_id: int = prop(ID)
    due: str | None = prop({"type": ["string", "null"], "format": "date"})
    state: str = prop({"type": "string", "enum": list(DUE_STATES)})
    days_overdue: int = prop({"type": "integer", "minimum": 0})

    @classmethod
    def of(cls, loan: DueLoan, today: date, soon_days: int) -> AssetDueJson:
        due = loan.due.isoformat() if loan.due else None
        return cls(loan.asset.id, due, loan.state(today, soon_days), loan.days_overdue(today))


def dues_of(assets: Sequence[Asset], loans: LoanService, today: date) -> list[AssetDueJson]:
    """The due dates of a person's devices (one loan-log read per device)."""
    found = DueDates(loans).of_assets(assets)
    soon = loans.options.due_soon_days
    return [AssetDueJson.of(found[a.id], today, soon) for a in assets if a.id in found]


@frozen
class CheckInJson:
    """What a check-in did, and the holder's other devices still out."""

    asset: LoanAssetJson = prop(_ASSET)
    holders: list[str] = prop({**_STRINGS, "description": "who held it until now"})
    others: list[LoanAssetJson] = prop({**_ASSETS, "description": "the holder's other devices"})
    loan: LoanEventJson = prop(_EVENT)
    ticket_id: int | None = prop(_NULLABLE_ID)
    ticket_error: str = prop(
        {"type": "string", "description": "why the repair ticket failed; open it again"}
    )
    due: str | None = prop(
        {"type": ["string", "null"], "format": "date", "description": "when it was due back"}
    )
    days_late: int = prop({"type": "integer", "minimum": 0, "description": "after the due date"})

    @classmethod
    def of(cls, done: CheckIn, options: LoanOptions, today: date | None = None) -> CheckInJson:
        late = (today - done.due).days if today and done.due and done.due < today else 0
        return cls(
            asset=LoanAssetJson.of(done.asset, options),
            holders=list(done.holders),
            others=[LoanAssetJson.of(a, options) for a in done.others],
            loan=LoanEventJson.of(done.event),
            ticket_id=done.ticket_id,
            ticket_error=done.ticket_error,
            due=done.due.isoformat() if done.due else None,
            days_late=late,
        )


@frozen
class CheckInAllItemJson:
    """One device of a "check in all": done, or refused with the reason."""

    asset_id: int | None = prop(_NULLABLE_ID)
    ok: bool = prop({"type": "boolean"})
    error: str = prop(STRING)
    result: CheckInJson | None = prop({"oneOf": [ref("CheckIn"), {"type": "null"}]})


@frozen
class CheckInAllJson:
    """Every device a person held, checked in (condition ok); one item per device."""

    person: PersonJson = prop(ref("Person"))
    items: list[CheckInAllItemJson] = prop(list_of("CheckInAllItem"))


@frozen
class PersonLoansJson:
    """A person and every device they hold in the loan role."""

    person: PersonJson = prop(ref("Person"))
    assets: list[LoanAssetJson] = prop(_ASSETS)
    due: list[AssetDueJson] = prop(list_of("AssetDue"))
    last_known: bool = prop(
        {
            "type": "boolean",
            "description": "true while RT cannot be reached: the devices as this service last"
            " knew them (its loan log and outbox), without due dates",
        },
        default=False,
    )


@frozen
class LoanListJson:
    """Loan log events, oldest first (a viewer gets the counts only)."""

    total: int = prop({"type": "integer", "minimum": 0})
    check_outs: int = prop({"type": "integer", "minimum": 0})
    check_ins: int = prop({"type": "integer", "minimum": 0})
    names_shown: bool = _NAMES_SHOWN
    events: list[LoanEventJson] = prop({"type": "array", "items": _EVENT})


@frozen
class OutstandingJson:
    """A page of the devices still out (someone in the loan role); a viewer gets the total."""

    page: int = prop({"type": "integer", "minimum": 1})
    per_page: int = prop({"type": "integer", "minimum": 1})
    total: int = prop({"type": "integer", "minimum": 0})
    pages: int = prop({"type": "integer", "minimum": 1})
    names_shown: bool = _NAMES_SHOWN
    items: list[LoanAssetJson] = prop(_ASSETS)


SCHEMAS: dict[str, Any] = {
    "Person": object_schema(PersonJson),
    "LoanAsset": object_schema(LoanAssetJson),
    "LoanEvent": object_schema(LoanEventJson),
    "CheckOut": object_schema(CheckOutJson),
    "CheckIn": object_schema(CheckInJson),
    "CheckInAllItem": object_schema(CheckInAllItemJson),
    "CheckInAll": object_schema(CheckInAllJson),
    "PersonLoans": object_schema(PersonLoansJson),
    "AssetDue": object_schema(AssetDueJson),
    "LoanList": object_schema(LoanListJson),
    "Outstanding": object_schema(OutstandingJson),
    "Queued": object_schema(QueuedJson),
}
