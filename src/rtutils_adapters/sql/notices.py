"""The notice log, written once for SQLite and PostgreSQL: every notice by e-mail, recorded
before it is sent, with its recipients and the fields of its templates (it names people).

A key (kind, subject, day) is UNIQUE: recording it again keeps the first. A claim is one
conditional UPDATE, so two senders never both hold a notice; marks are conditional on the
claim's sender.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    insert,
    or_,
    select,
    update,
)

from rtutils_adapters.sql.migrations import Migrations
from rtutils_adapters.sql.store import SqlStore, table
from rtutils_core.due import EVERY_NOTICE, Notice, NoticeDraft, NoticeQuery
from rtutils_core.due.marks import NoticeMarks
from rtutils_core.errors import BackendUnavailable, NoticeNotFound, RtutilsError

COMPONENT = "notices"
notices = table(
    "notices",
    "id key kind subject day to_addresses cc_addresses person student_id loan_id asset_id"
    " fields state attempts reason created updated sent_at retry_at sender claim_until",
    key="id",
    numbers="id loan_id asset_id attempts",
    times="created updated sent_at retry_at claim_until",
    dates="day",
)
#: The tables of the notice log, in the order a copy fills them.
TABLES = (notices,)
#: Loan ids asked about in one statement.
BATCH = 500


def _refused(exc: Exception) -> RtutilsError:
    return BackendUnavailable(f"the notice log refused a change: {exc}; nothing was changed")


def _row(draft: NoticeDraft, now: datetime) -> dict[str, Any]:
    return {
        "key": draft.key,
        "kind": draft.kind,
        "subject": draft.subject,
        "day": draft.day,
        "to_addresses": json.dumps(list(draft.to)),
        "cc_addresses": json.dumps(list(draft.cc)),
        "person": draft.person,
        "student_id": draft.student_id,
        "loan_id": draft.loan_id,
        "asset_id": draft.asset_id,
        "fields": json.dumps(draft.fields, sort_keys=True),
        "state": "pending",
        "attempts": 0,
        "reason": "",
        "created": now,
        "updated": now,
    }


def _notice(row: Any) -> Notice:
    values = dict(row._mapping)
    del values["key"]
    values["to"] = tuple(json.loads(values.pop("to_addresses")))
    values["cc"] = tuple(json.loads(values.pop("cc_addresses")))
    values["fields"] = json.loads(values["fields"])
    return Notice(**values)


def _claimable(sender: str | None, now: datetime) -> ColumnElement[bool]:
    c = notices.c
    sending = and_(c.state == "sending", c.claim_until <= now)
    if sender is not None:
        sending = or_(sending, and_(c.state == "sending", c.sender == sender))
    return or_(
        c.state == "pending",
        and_(c.state == "deferred", or_(c.retry_at.is_(None), c.retry_at <= now)),
        sending,
    )


class SqlNoticeLog(SqlStore, NoticeMarks):
    """The :class:`~rtutils_core.due.ports.NoticeLog` in a :class:`Database`."""

    COMPONENT = COMPONENT
    MIGRATIONS = Migrations(COMPONENT)

    def record(self, drafts: Sequence[NoticeDraft], *, now: datetime) -> Sequence[Notice]:
        keys = list(dict.fromkeys(d.key for d in drafts))
        with self._db.transaction(refused=_refused) as tx:
            self._db.lock(tx, "notices")
            known = set(self._by_keys(tx, keys))
            new = [_row(d, now) for d in {d.key: d for d in drafts}.values() if d.key not in known]
            if new:
                tx.execute(insert(notices), new)
            found = self._by_keys(tx, keys)
        return [found[d.key] for d in drafts]

    @staticmethod
    def _by_keys(tx: Connection, keys: Sequence[str]) -> dict[str, Notice]:
        found: dict[str, Notice] = {}
        for start in range(0, len(keys), BATCH):
            rows = tx.execute(select(notices).where(notices.c.key.in_(keys[start : start + BATCH])))
            found.update({row.key: _notice(row) for row in rows})
        return found

    def get(self, notice_id: int) -> Notice:
        with self._db.transaction(write=False) as tx:
            row = tx.execute(select(notices).where(notices.c.id == notice_id)).first()
        if row is None:
            raise NoticeNotFound(f"there is no notice {notice_id}")
        return _notice(row)

    def claim(
        self, notice_id: int, sender: str, *, now: datetime, until: datetime
    ) -> Notice | None:
        with self._db.transaction(refused=_refused) as tx:
            row = tx.execute(
                update(notices)
                .where(notices.c.id == notice_id, _claimable(sender, now))
                .values(
                    state="sending",
                    attempts=notices.c.attempts + 1,
                    sender=sender,
                    claim_until=until,
                    updated=now,
                )
                .returning(*notices.c)
            ).first()
        return _notice(row) if row is not None else None

    def _mark(self, notice_id: int, sender: str, **values: Any) -> bool:
        with self._db.transaction(refused=_refused) as tx:
            row = tx.execute(
                update(notices)
                .where(
                    notices.c.id == notice_id,
                    notices.c.state == "sending",
                    notices.c.sender == sender,
                )
                .values(claim_until=None, **values)
                .returning(notices.c.id)
            ).first()
        return row is not None

    def ready(self, *, now: datetime, limit: int = 1000) -> Sequence[Notice]:
        with self._db.transaction(write=False) as tx:
            rows = tx.execute(
                select(notices).where(_claimable(None, now)).order_by(notices.c.id).limit(limit)
            )
            return [_notice(row) for row in rows]

    def notices(self, query: NoticeQuery = EVERY_NOTICE) -> Sequence[Notice]:
        where: list[ColumnElement[bool]] = []
        if query.since is not None:
            where.append(notices.c.day >= query.since)
        if query.states is not None:
            where.append(notices.c.state.in_(query.states))
        loans = query.loan_ids
        groups = [None] if loans is None else _batches(list(loans))
        found: list[Notice] = []
        with self._db.transaction(write=False) as tx:
            for group in groups:
                by_loan = [] if group is None else [notices.c.loan_id.in_(group)]
                sql = select(notices).where(*where, *by_loan).order_by(notices.c.id.desc())
                found += [_notice(row) for row in tx.execute(sql.limit(query.limit))]
        return query.newest(found)


def _batches(ids: list[int]) -> list[list[int] | None]:
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
