"""Sending recorded notices: claim each, render it, hand it to the mail server, mark it.

A notice is claimed before it is sent (one sender at a time, across processes) and marked
sent right after the server took it; the claim names the sending job, so the job resumed
after a crash takes back the notice it was sending and sends it (the server never got it
whole), while every notice marked sent stays sent. The one moment a crash can still cost
a second mail is between the server's "250 OK" and the mark, microseconds; the Message-ID
is the notice's, so a mail program shows such a repeat as the same message.

A "later" (4xx, or no connection) defers the notice with a growing wait; a refusal (5xx)
fails it with the server's reason kept. Logs carry notice, loan and student ids, never
addresses or names.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from rtutils_core.due.ports import Mailer, NoticeLog, NoticeRenderer
from rtutils_core.due.values import Notice, NoticeOptions, OutgoingMail, SendReport
from rtutils_core.errors import ConfigError, MailDeferred, MailRejected

log = logging.getLogger("rtutils.due")

#: How long a claim holds a notice against other senders (a sender that died lets go then).
CLAIM = timedelta(minutes=10)
#: Told how far a pass is: ``(notices done, notices to do)``, after each.
Progress = Callable[[int, int], None]


def _now() -> datetime:
    return datetime.now(UTC)


def _no_pace() -> None:
    return None


def message_id(notice: Notice) -> str:
    """The left part of the notice's Message-ID (the adapter adds the domain)."""
    digest = hashlib.sha256(notice.key.encode()).hexdigest()[:16]
    return f"rtutils-notice-{notice.id}-{digest}"


class Outbox:
    """Sends notices from the notice log through the mail server, at the pace given."""

    def __init__(
        self,
        notices: NoticeLog,
        renderer: NoticeRenderer,
        mailer: Mailer,
        options: NoticeOptions,
        *,
        clock: Callable[[], datetime] = _now,
        pace: Callable[[], None] = _no_pace,
    ) -> None:
        self.notices = notices
        self.renderer = renderer
        self.mailer = mailer
        self.options = options
        self._clock = clock
        self._pace = pace

    def compose(self, notice: Notice) -> OutgoingMail:
        """The mail of ``notice`` (:class:`ConfigError` if its templates fail)."""
        rendered = self.renderer.render(notice.kind, notice.fields)
        return OutgoingMail(
            to=notice.to,
            cc=notice.cc,
            subject=rendered.subject,
            text=rendered.text,
            html=rendered.html,
            message_id=message_id(notice),
        )

    def send(
        self, notices: Iterable[Notice], sender: str, progress: Progress | None = None
    ) -> SendReport:
        """Send each open notice of ``notices`` that ``sender`` can claim."""
        todo = [n for n in notices if n.is_open]
        outcome: dict[str, list[int]] = {"sent": [], "deferred": [], "failed": [], "busy": []}
        try:
            for done, notice in enumerate(todo, start=1):
                outcome[self._send_one(notice, sender)].append(notice.id)
                if progress is not None:
                    progress(done, len(todo))
        finally:
            self.mailer.close()
        return SendReport(*(tuple(outcome[k]) for k in ("sent", "deferred", "failed", "busy")))

    def send_ready(self, sender: str, progress: Progress | None = None) -> SendReport:
        """Send every notice that waits (pending, or deferred until now)."""
        return self.send(self.notices.ready(now=self._clock()), sender, progress)

    def _send_one(self, notice: Notice, sender: str) -> str:
        now = self._clock()
        claimed = self.notices.claim(notice.id, sender, now=now, until=now + CLAIM)
        if claimed is None:
            return "busy"
        ids = {"notice_id": claimed.id, "kind": claimed.kind, "loan_id": claimed.loan_id}
        try:
            mail = self.compose(claimed)
        except ConfigError as error:
            self.notices.mark_failed(claimed.id, sender, error.message, now=self._clock())
            log.error("notice_template_failed", extra=ids)
            return "failed"
        self._pace()
        try:
            self.mailer.send(mail)
        except MailDeferred as error:
            return self._deferred(claimed, sender, error.message, ids)
        except MailRejected as error:
            self.notices.mark_failed(claimed.id, sender, error.message, now=self._clock())
            log.warning("notice_rejected", extra={**ids, "attempts": claimed.attempts})
            return "failed"
        self.notices.mark_sent(claimed.id, sender, now=self._clock())
        log.info("notice_sent", extra={**ids, "student_id": claimed.student_id or None})
        return "sent"

    def _deferred(self, notice: Notice, sender: str, reason: str, ids: dict[str, object]) -> str:
        now = self._clock()
        extra = {**ids, "attempts": notice.attempts}
        if notice.attempts >= self.options.max_attempts:
            why = f"given up after {notice.attempts} tries; the last answer: {reason}"
            self.notices.mark_failed(notice.id, sender, why, now=now)
            log.warning("notice_given_up", extra=extra)
            return "failed"
        retry_at = self.options.retry_at(now, notice.attempts)
        self.notices.mark_deferred(notice.id, sender, reason, now=now, retry_at=retry_at)
        log.info("notice_deferred", extra=extra)
        return "deferred"
