"""Due dates that mean something: the overdue list, and receipts, reminders, overdue and
return-campaign notices by e-mail, each recorded once."""

from rtutils_core.due.values import (
    EVERY_NOTICE,
    NOTICE_KINDS,
    NOTICE_STATES,
    Notice,
    NoticeDraft,
    NoticeKind,
    NoticeOptions,
    NoticePlan,
    NoticeQuery,
    NoticeState,
    OutgoingMail,
    RenderedMail,
    SendReport,
    Unreachable,
)

__all__ = [
    "EVERY_NOTICE",
    "NOTICE_KINDS",
    "NOTICE_STATES",
    "Notice",
    "NoticeDraft",
    "NoticeKind",
    "NoticeOptions",
    "NoticePlan",
    "NoticeQuery",
    "NoticeState",
    "OutgoingMail",
    "RenderedMail",
    "SendReport",
    "Unreachable",
]
