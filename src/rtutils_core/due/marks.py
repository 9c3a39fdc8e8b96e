"""What each notice log does when a send ends: the rules of the three outcomes, written once.

A log (memory, SQL) gives only :meth:`NoticeMarks._mark`: change a notice this sender has
claimed and still holds, nothing else.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Any


class NoticeMarks(ABC):
    """``mark_sent``, ``mark_deferred`` and ``mark_failed`` of the NoticeLog port."""

    @abstractmethod
    def _mark(self, notice_id: int, sender: str, **changes: Any) -> bool:
        """Apply ``changes`` (and release the claim) if ``sender`` still holds the notice."""

    def mark_sent(self, notice_id: int, sender: str, *, now: datetime) -> bool:
        return self._mark(notice_id, sender, state="sent", sent_at=now, updated=now, reason="")

    def mark_deferred(
        self, notice_id: int, sender: str, reason: str, *, now: datetime, retry_at: datetime
    ) -> bool:
        return self._mark(
            notice_id, sender, state="deferred", reason=reason, retry_at=retry_at, updated=now
        )

    def mark_failed(self, notice_id: int, sender: str, reason: str, *, now: datetime) -> bool:
        return self._mark(notice_id, sender, state="failed", reason=reason, updated=now)
