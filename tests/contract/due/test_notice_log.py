"""The NoticeLog contract: the in-memory fake, SQLite (real files) and PostgreSQL (a real server
from tests/pg_harness.py, a fresh database per test) behave the same."""

from __future__ import annotations

import stat
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from rtutils_adapters.memory.notices import MemoryNoticeLog
from rtutils_adapters.postgres.notices import PostgresNoticeLog
from rtutils_adapters.sqlite.notices import SqliteNoticeLog
from rtutils_core.due import NoticeDraft, NoticeQuery
from rtutils_core.due.ports import NoticeLog
from rtutils_core.errors import InvalidInput, NoticeNotFound

T0 = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
DAY = date(2026, 3, 10)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def draft(loan: int, kind: str = "overdue", day: date = DAY, **more) -> NoticeDraft:
    return NoticeDraft(
        kind=kind,
        subject=f"loan:{loan}",
        day=day,
        to=("ana@school.example",),
        cc=("parent@home.example",),
        person="ana",
        student_id="S1",
        loan_id=loan,
        asset_id=100 + loan,
        fields={"person": {"name": "Ana Lì"}, "devices": [{"tag": f"W12-{loan:05d}"}]},
        **more,
    )


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_log(request, tmp_path):
    shared = MemoryNoticeLog()

    def make() -> NoticeLog:
        if request.param == "memory":
            return shared
        if request.param == "postgres":
            log = PostgresNoticeLog(request.getfixturevalue("pg_url"))
        else:
            log = SqliteNoticeLog(tmp_path / "notices.sqlite3")
        request.addfinalizer(log.close)
        return log

    return make


@pytest.fixture
def log(make_log) -> NoticeLog:
    return make_log()


def test_a_recorded_notice_reads_back_whole_and_pending(log):
    (notice,) = log.record([draft(1)], now=at(0))
    assert (notice.state, notice.attempts, notice.created, notice.updated) == (
        "pending",
        0,
        at(0),
        at(0),
    )
    assert (notice.to, notice.cc, notice.fields) == (
        ("ana@school.example",),
        ("parent@home.example",),
        {"person": {"name": "Ana Lì"}, "devices": [{"tag": "W12-00001"}]},
    )
    assert log.get(notice.id) == notice
    with pytest.raises(NoticeNotFound):
        log.get(notice.id + 1000)


def test_a_key_is_recorded_once_across_opens_and_answers_with_the_first(make_log):
    first = make_log().record([draft(1), draft(2)], now=at(0))
    again = make_log().record([draft(2), draft(3), draft(1)], now=at(5))
    assert [n.id for n in again] == [first[1].id, again[1].id, first[0].id]
    assert again[0].created == at(0)
    assert len(make_log().notices()) == 3
    other_day = make_log().record([draft(1, day=DAY + timedelta(days=1))], now=at(9))
    assert other_day[0].id not in {n.id for n in first}


def test_one_sender_claims_a_notice_the_others_get_none(log):
    (notice,) = log.record([draft(1)], now=at(0))
    claimed = log.claim(notice.id, "job-1", now=at(1), until=at(11))
    assert (claimed.state, claimed.attempts, claimed.sender) == ("sending", 1, "job-1")
    assert log.claim(notice.id, "job-2", now=at(2), until=at(12)) is None
    assert log.ready(now=at(2)) == []
    assert not log.mark_sent(notice.id, "job-2", now=at(3))
    # Its own sender takes it back (a job resumed after a crash) ...
    assert log.claim(notice.id, "job-1", now=at(3), until=at(13)).attempts == 2
    # ... and anyone once the claim ran out.
    assert log.claim(notice.id, "job-3", now=at(13), until=at(23)).sender == "job-3"


def test_marks_end_a_claim_and_a_sent_notice_is_never_claimed_again(log):
    one, two, three = log.record([draft(1), draft(2), draft(3)], now=at(0))
    for n in (one, two, three):
        log.claim(n.id, "job", now=at(1), until=at(11))
    assert log.mark_sent(one.id, "job", now=at(2))
    assert log.mark_failed(two.id, "job", "550 5.1.1 mailbox unknown", now=at(2))
    assert log.mark_deferred(three.id, "job", "451 later", now=at(2), retry_at=at(7))
    sent, failed, deferred = (log.get(n.id) for n in (one, two, three))
    assert (sent.state, sent.sent_at, sent.claim_until) == ("sent", at(2), None)
    assert (failed.state, failed.reason) == ("failed", "550 5.1.1 mailbox unknown")
    assert (deferred.state, deferred.retry_at, deferred.reason) == ("deferred", at(7), "451 later")
    assert log.claim(one.id, "job", now=at(3), until=at(13)) is None
    assert log.claim(two.id, "job", now=at(3), until=at(13)) is None
    assert [n.id for n in log.ready(now=at(6))] == []
    assert [n.id for n in log.ready(now=at(7))] == [three.id]
    assert log.claim(three.id, "other", now=at(7), until=at(17)).attempts == 2


def test_notices_filter_by_loan_day_and_state_newest_first(log):
    old = log.record([draft(1, day=DAY - timedelta(days=7))], now=at(0))[0]
    a, b = log.record([draft(1), draft(2, kind="reminder")], now=at(1))
    log.claim(b.id, "job", now=at(2), until=at(12))
    log.mark_sent(b.id, "job", now=at(3))
    assert [n.id for n in log.notices(NoticeQuery(loan_ids=[1]))] == [a.id, old.id]
    assert [n.id for n in log.notices(NoticeQuery(since=DAY))] == [b.id, a.id]
    assert [n.id for n in log.notices(NoticeQuery(states=["sent"]))] == [b.id]
    assert [n.id for n in log.notices(NoticeQuery(limit=1))] == [b.id]
    assert log.notices(NoticeQuery(loan_ids=[])) == []
    many = list(range(3, 1300))  # more loans than one statement asks about
    assert [n.id for n in log.notices(NoticeQuery(loan_ids=many + [2]))] == [b.id]
    assert [n.id for n in log.notices()] == [b.id, a.id, old.id]


def test_a_notice_list_with_a_negative_limit_is_refused():
    with pytest.raises(InvalidInput, match="must not be negative"):
        NoticeQuery(limit=-1)


def test_two_senders_at_once_never_both_send_one_notice(make_log):
    notices = make_log().record([draft(n) for n in range(40)], now=at(0))
    won: dict[str, list[int]] = {"a": [], "b": []}
    start = threading.Barrier(2)

    def sender(name: str) -> None:
        store = make_log()
        start.wait()
        for notice in notices:
            if store.claim(notice.id, name, now=at(1), until=at(11)):
                won[name].append(notice.id)

    threads = [threading.Thread(target=sender, args=(n,)) for n in won]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won["a"] + won["b"]) == [n.id for n in notices]


def test_the_sqlite_file_is_its_owners_alone(tmp_path):
    SqliteNoticeLog(tmp_path / "notices.sqlite3").close()
    assert stat.S_IMODE((tmp_path / "notices.sqlite3").stat().st_mode) == 0o600
