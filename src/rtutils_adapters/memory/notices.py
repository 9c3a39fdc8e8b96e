"""An in-memory notice log (for the demo and for tests), held to the same contract as SQL."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from rtutils_adapters.memory.keyed import kept
from rtutils_core.due import EVERY_NOTICE, Notice, NoticeDraft, NoticeQuery
from rtutils_core.due.marks import NoticeMarks
from rtutils_core.errors import NoticeNotFound


class MemoryNoticeLog(NoticeMarks):
    """The :class:`~rtutils_core.due.ports.NoticeLog` in a dict; safe between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._notices: dict[int, Notice] = {}
        self._keys: dict[str, int] = {}
        self._ids = itertools.count(1)

    def record(self, drafts: Sequence[NoticeDraft], *, now: datetime) -> Sequence[Notice]:
        with self._lock:
            for draft in drafts:
                if draft.key not in self._keys:
                    notice_id = next(self._ids)
                    values = attrs.asdict(draft, recurse=False)
                    self._notices[notice_id] = Notice(
                        **values, id=notice_id, created=now, updated=now
                    )
                    self._keys[draft.key] = notice_id
            return [self._notices[self._keys[d.key]] for d in drafts]

    def get(self, notice_id: int) -> Notice:
        with self._lock:
            return kept(self._notices, notice_id, NoticeNotFound(f"there is no notice {notice_id}"))

    def claim(
        self, notice_id: int, sender: str, *, now: datetime, until: datetime
    ) -> Notice | None:
        with self._lock:
            notice = self._notices.get(notice_id)
            if notice is None or not _claimable(notice, sender, now):
                return None
            claimed = attrs.evolve(
                notice,
                state="sending",
                attempts=notice.attempts + 1,
                sender=sender,
                claim_until=until,
                updated=now,
            )
            self._notices[notice_id] = claimed
            return claimed

    def _mark(self, notice_id: int, sender: str, **changes: Any) -> bool:
        with self._lock:
            notice = self._notices.get(notice_id)
            if notice is None or notice.state != "sending" or notice.sender != sender:
                return False
            self._notices[notice_id] = attrs.evolve(notice, claim_until=None, **changes)
            return True

    def ready(self, *, now: datetime, limit: int = 1000) -> Sequence[Notice]:
        with self._lock:
            found = [n for n in self._notices.values() if _claimable(n, None, now)]
        return sorted(found, key=lambda n: n.id)[:limit]

    def notices(self, query: NoticeQuery = EVERY_NOTICE) -> Sequence[Notice]:
        with self._lock:
            return query.newest(n for n in self._notices.values() if query.matches(n))


def _claimable(notice: Notice, sender: str | None, now: datetime) -> bool:
    if notice.state == "pending":
        return True
    if notice.state == "deferred":
        return notice.retry_at is None or notice.retry_at <= now
    if notice.state == "sending":
        ran_out = notice.claim_until is not None and notice.claim_until <= now
        return ran_out or (sender is not None and notice.sender == sender)
    return False
