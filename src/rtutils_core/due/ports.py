"""Ports of the notices: the notice log, the templates and the mail server.

Every notice log passes ``tests/contract/due/test_notice_log.py`` (memory, SQLite,
PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from rtutils_core.due.values import (
    EVERY_NOTICE,
    Notice,
    NoticeDraft,
    NoticeQuery,
    OutgoingMail,
    RenderedMail,
)


@runtime_checkable
class NoticeLog(Protocol):
    """Every notice, recorded before it is sent. Every method is one transaction.

    ``sender`` arguments name a claim (the job sending): a mark by a sender that does not
    hold the notice changes nothing and answers False.
    """

    def record(self, drafts: Sequence[NoticeDraft], *, now: datetime) -> Sequence[Notice]:
        """Store each draft whose key is new as ``pending``; return the notice of every
        draft's key, new or recorded before, in the drafts' order."""

    def get(self, notice_id: int) -> Notice:
        """One notice; :class:`~rtutils_core.errors.NotFound` if there is none."""

    def claim(
        self, notice_id: int, sender: str, *, now: datetime, until: datetime
    ) -> Notice | None:
        """Take the notice for ``sender`` (state ``sending``, attempts + 1), if it is pending,
        deferred until ``now`` or earlier, or sending under a claim that ran out or is
        ``sender``'s own; else None (sent, failed, or held by another sender)."""

    def mark_sent(self, notice_id: int, sender: str, *, now: datetime) -> bool:
        """The server took it."""

    def mark_deferred(
        self, notice_id: int, sender: str, reason: str, *, now: datetime, retry_at: datetime
    ) -> bool:
        """The server said "later": tried again from ``retry_at``."""

    def mark_failed(self, notice_id: int, sender: str, reason: str, *, now: datetime) -> bool:
        """The server refused it for good, or it was given up: ``reason`` says why."""

    def ready(self, *, now: datetime, limit: int = 1000) -> Sequence[Notice]:
        """Open notices a sender may claim at ``now``, oldest first."""

    def notices(self, query: NoticeQuery = EVERY_NOTICE) -> Sequence[Notice]:
        """The notices ``query`` asks for, newest first."""


@runtime_checkable
class NoticeRenderer(Protocol):
    """The templates of the notices (plain text and HTML), a district's own where it has them."""

    def render(self, kind: str, fields: Mapping[str, Any]) -> RenderedMail:
        """The notice of ``kind`` for ``fields``; a template that uses a field not given, or
        cannot be read, raises :class:`~rtutils_core.errors.ConfigError` naming both."""


@runtime_checkable
class Mailer(Protocol):
    """The district's mail server."""

    def send(self, mail: OutgoingMail) -> None:
        """Hand ``mail`` over. :class:`~rtutils_core.errors.MailDeferred` when the server
        says "later" (4xx) or cannot be reached, :class:`~rtutils_core.errors.MailRejected`
        when it refuses (5xx); the message names the server's answer, never an address."""

    def close(self) -> None:
        """End the connection kept between mails, if any."""
