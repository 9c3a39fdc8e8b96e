"""Notices by e-mail: what is sent (kinds), to whom, and each notice as the notice log keeps it.

A notice is recorded before it is sent and marked after, so a run cut by a crash resumes
without sending twice what was sent. Its key is (kind, subject, day): the subject is the
loan (``loan:<check-out id>``), the student (``student:<id>``) or the grade
(``grade:<grade>``) it is about; a key is recorded once, so a second run of the same day
sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Literal

from attrs import field, frozen

from rtutils_core.errors import InvalidInput

#: receipt: at check-out; reminder: before the due date; overdue: after it (repeated);
#: campaign: to a student with devices out at the return campaign; campaign-summary: to the
#: school, per grade.
NoticeKind = Literal["receipt", "reminder", "overdue", "campaign", "campaign-summary"]
NOTICE_KINDS: tuple[NoticeKind, ...] = (
    "receipt",
    "reminder",
    "overdue",
    "campaign",
    "campaign-summary",
)
#: pending: recorded, not sent yet; sending: a sender holds it; deferred: the server said
#: "later" (4xx), tried again at ``retry_at``; sent; failed: refused (5xx) or given up.
NoticeState = Literal["pending", "sending", "deferred", "sent", "failed"]
NOTICE_STATES: tuple[NoticeState, ...] = ("pending", "sending", "deferred", "sent", "failed")
OPEN_STATES: tuple[NoticeState, ...] = ("pending", "sending", "deferred")


def _kinds(value: Iterable[str]) -> frozenset[str]:
    kinds = frozenset(value)
    unknown = sorted(kinds - set(NOTICE_KINDS))
    if unknown:
        raise InvalidInput(
            f"unknown notice kind {unknown[0]!r}; the kinds are {', '.join(NOTICE_KINDS)}"
        )
    return kinds


@frozen
class NoticeOptions:
    """Which notices a district sends and when (one value, from the settings)."""

    kinds: frozenset[str] = field(default=frozenset(NOTICE_KINDS), converter=_kinds)
    #: The reminder goes this many days before the due date (0: on the day).
    remind_days: int = 2
    #: The overdue notice is sent again every this many days while the device is out (0: once).
    repeat_days: int = 7
    #: Where the per-grade summary of a return campaign goes ("" for nowhere).
    school_address: str = ""
    #: Who the mails say they are from (the organisation line of the templates).
    organisation: str = ""
    #: Tries of a notice the server defers before it is given up as failed.
    max_attempts: int = 6
    #: The first wait after a deferral; each next one is twice as long.
    retry_after: timedelta = timedelta(minutes=5)

    def __attrs_post_init__(self) -> None:
        for name, value, top in (
            ("reminder days", self.remind_days, 60),
            ("repeat days", self.repeat_days, 365),
        ):
            if not 0 <= value <= top:
                raise InvalidInput(f"the {name} must be 0 to {top}, not {value}")
        if self.max_attempts < 1:
            raise InvalidInput("a notice needs at least one attempt")

    def is_on(self, kind: str) -> bool:
        return kind in self.kinds

    def retry_at(self, now: datetime, attempts: int) -> datetime:
        """When a notice deferred on its ``attempts``-th try is tried again."""
        wait: timedelta = self.retry_after * 2 ** max(attempts - 1, 0)
        return now + wait


def _addresses(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.strip() for a in value if a and a.strip()))


def _fields(value: Mapping[str, Any]) -> dict[str, Any]:
    return dict(value)


@frozen
class NoticeDraft:
    """A notice to record: its key, its recipients and the fields its templates get.

    ``person`` is the RT login it is about ("" for a grade), ``student_id`` the roster's
    id ("" for someone not on the roster). Logs carry the ids, never ``fields`` or
    addresses: they name students.
    """

    kind: str
    subject: str
    day: date
    to: tuple[str, ...] = field(converter=_addresses)
    cc: tuple[str, ...] = field(default=(), converter=_addresses)
    person: str = ""
    student_id: str = ""
    loan_id: int | None = None
    asset_id: int | None = None
    fields: dict[str, Any] = field(factory=dict, converter=_fields, hash=False)

    @property
    def key(self) -> str:
        return f"{self.kind}|{self.subject}|{self.day.isoformat()}"


@frozen
class Notice(NoticeDraft):
    """A recorded notice and where its sending stands (every time is UTC)."""

    id: int = field(kw_only=True)
    state: str = field(kw_only=True, default="pending")
    attempts: int = field(kw_only=True, default=0)
    reason: str = field(kw_only=True, default="")
    created: datetime = field(kw_only=True)
    updated: datetime = field(kw_only=True)
    sent_at: datetime | None = field(kw_only=True, default=None)
    retry_at: datetime | None = field(kw_only=True, default=None)
    sender: str | None = field(kw_only=True, default=None)
    claim_until: datetime | None = field(kw_only=True, default=None)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


def _tuple_or_none(value: Iterable[Any] | None) -> tuple[Any, ...] | None:
    return None if value is None else tuple(dict.fromkeys(value))


@frozen
class NoticeQuery:
    """Which notices to list: those of ``loan_ids``, of days from ``since`` on, in ``states``
    (each condition only when given), newest first, at most ``limit``."""

    loan_ids: tuple[int, ...] | None = field(default=None, converter=_tuple_or_none)
    since: date | None = None
    states: tuple[str, ...] | None = field(default=None, converter=_tuple_or_none)
    limit: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.limit is not None and self.limit < 0:
            raise InvalidInput(f"a notice list's limit must not be negative, not {self.limit}")

    def matches(self, notice: Notice) -> bool:
        return (
            (self.loan_ids is None or notice.loan_id in self.loan_ids)
            and (self.since is None or notice.day >= self.since)
            and (self.states is None or notice.state in self.states)
        )

    def newest(self, found: Iterable[Notice]) -> list[Notice]:
        """``found`` newest first, cut at the limit."""
        ordered = sorted(found, key=lambda n: n.id, reverse=True)
        return ordered if self.limit is None else ordered[: self.limit]


#: Every notice in the log, newest first.
EVERY_NOTICE = NoticeQuery()


@frozen
class Unreachable:
    """Someone a notice is for who has no e-mail address: listed, never skipped silently."""

    kind: str
    subject: str
    person: str = ""
    student_id: str = ""
    name: str = ""
    asset_id: int | None = None


@frozen
class NoticePlan:
    """What a run would send: new notices, those recorded already today, and who has no address."""

    day: date
    drafts: tuple[NoticeDraft, ...] = ()
    recorded: tuple[Notice, ...] = ()
    unreachable: tuple[Unreachable, ...] = ()


@frozen
class RenderedMail:
    """A notice rendered by its templates."""

    subject: str
    text: str
    html: str


@frozen
class OutgoingMail:
    """A mail for the mail server: the adapter adds From, Reply-To and the Message-ID's domain."""

    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    text: str
    html: str
    message_id: str


@frozen
class SendReport:
    """What one pass over the notices sent; ``failed`` and ``deferred`` hold notice ids."""

    sent: tuple[int, ...] = ()
    deferred: tuple[int, ...] = ()
    failed: tuple[int, ...] = ()
    busy: tuple[int, ...] = ()

    def summary(self) -> dict[str, int]:
        return {
            "sent": len(self.sent),
            "deferred": len(self.deferred),
            "failed": len(self.failed),
            "busy": len(self.busy),
        }
