"""Issue 28's show: 200 overdue notices from the nightly job of a real
``request-tracker-utils worker`` process, against the real RT 5 and a real SMTP server on
loopback; the worker is SIGKILLed while it sends the 51st, a second worker resumes the job,
and every notice arrives exactly once.

The kill happens at a point the test chooses, not at a moment: the SMTP server kills the
worker when the 51st message's data arrives and drops that message (the worker never heard
"250"), as a server drops a transaction whose client died. The job store, queue, loan log
and notice log are SQLite files in one WORKING_DIR shared by the test and the workers.
``JOBS_LEASE=2`` lets the second worker find the dead worker's job within seconds.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from tests.conftest import ROOT
from tests.process.test_import_job_killed import settings_env
from tests.process.test_job_processes import wait_until
from tests.rt_harness import STUDENT_DEVICES, assets_data, perl_string
from tests.smtp_harness import start_smtp

from rtutils_adapters.sqlite import SqliteLoanLog
from rtutils_adapters.sqlite.notices import SqliteNoticeLog
from rtutils_core.assets import AssetDraft, AssetQuery
from rtutils_core.due import jobs as due_jobs
from rtutils_core.loans import LoanEntry
from rtutils_web.container import build_container
from rtutils_web.settings import Settings

pytestmark = [pytest.mark.rt, pytest.mark.slow]

NOTICES = 200
PEOPLE = 20
KILL_AT = 51


def load_loans(rt_server, rt_backend, state, run: str, day: date) -> dict[int, str]:
    """200 devices owned by 20 RT users, each checked out in the loan log, due yesterday."""
    names = [f"kn{run}{n:02d}" for n in range(PEOPLE)]
    users = "".join(
        f"  {{ Name => {perl_string(n)}, EmailAddress => {perl_string(n + '@school.example')},"
        " Privileged => 0 },\n"
        for n in names
    )
    drafts = [
        (
            AssetDraft(
                f"KN{run}-{k:03d}", STUDENT_DEVICES, status="in-use", owner=names[k % PEOPLE]
            ),
            (),
        )
        for k in range(NOTICES)
    ]
    rt_server.insert_initialdata(f"@Users = (\n{users});\n" + assets_data(drafts))
    owned = {
        a.id: a.owner
        for a in rt_backend.iter_assets(AssetQuery(catalog=STUDENT_DEVICES))
        if a.name.startswith(f"KN{run}-")
    }
    assert len(owned) == NOTICES
    log = SqliteLoanLog.in_dir(state)
    for asset_id, owner in owned.items():
        log.record(
            LoanEntry(
                action="check-out",
                asset_id=asset_id,
                tag=f"KN{run}",
                person=owner,
                operator="desk1",
                request_id="req-kill",
                based_on=f"v{asset_id}",
                due=day - timedelta(days=1),
            )
        )
    log.close()
    return owned


def test_a_worker_killed_mid_send_the_resumed_job_sends_each_notice_exactly_once(
    tmp_path, rt_server, rt_backend
):
    run = uuid.uuid4().hex[:6]
    state = tmp_path / "state"
    state.mkdir()
    day = date.today()
    owned = load_loans(rt_server, rt_backend, state, run, day)
    smtp = start_smtp()
    workers: list[subprocess.Popen] = []
    killed = threading.Event()

    def kill_the_first_worker_at_the_51st(number: int) -> bool:
        if number == KILL_AT and not killed.is_set():
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.set()
            return False  # the message is dropped: its client died before "250"
        return True

    smtp.handler.on_data = kill_the_first_worker_at_the_51st
    env = {
        **settings_env(rt_server, state, run.upper()),
        "SMTP_URL": smtp.url,
        "MAIL_FROM": "it-desk@district.example",
        "MAIL_RATE": "1000/second",
    }
    container = build_container(Settings.from_env(env))
    jobs = container.jobs.job_service()
    job = jobs.submit(due_jobs.NIGHTLY, {"day": day.isoformat()})
    base = {k: v for k, v in os.environ.items() if not k.startswith(("RT", "PORT", "HOST"))}
    process_env = {**base, **env, "PYTHONPATH": str(ROOT / "src")}

    def start_worker() -> subprocess.Popen:
        log = (tmp_path / f"worker-{len(workers)}.log").open("w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "rtutils_web.cli", "worker"],
            env=process_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        workers.append(proc)
        return proc

    read = lambda: jobs.get(job.id)  # noqa: E731
    try:
        first = start_worker()
        assert killed.wait(600), "the first worker never reached the 51st notice"
        assert first.wait(timeout=60) == -signal.SIGKILL
        notices = SqliteNoticeLog.in_dir(state)
        states = Counter(n.state for n in notices.notices())
        assert states == {"sent": KILL_AT - 1, "sending": 1, "pending": NOTICES - KILL_AT}
        (held,) = [n.id for n in notices.notices() if n.state == "sending"]
        assert read().state == "running"

        second = start_worker()
        finished = wait_until(read, lambda j: j.is_finished, 900)
        # The mail outbox's own job may take pending notices too (by claim, as any sender):
        # wait for every notice, not only for the resumed job.
        wait_until(
            lambda: Counter(n.state for n in notices.notices()),
            lambda states: states == {"sent": NOTICES},
            900,
        )
        second.send_signal(signal.SIGTERM)
        assert second.wait(timeout=60) == 0
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        smtp.controller.stop()

    assert (finished.state, finished.attempts, finished.error) == ("succeeded", 2, None)
    received = smtp.received
    ids = Counter(r.message["Message-ID"] for r in received)
    assert len(received) == NOTICES and set(ids.values()) == {1}
    tags = Counter(r.subject.split(":")[1].split()[0] for r in received)
    assert len(tags) == NOTICES and set(tags.values()) == {1}
    owners = Counter(r.recipients[0] for r in received)
    assert owners == Counter(f"{o}@school.example" for o in owned.values())
    assert Counter(n.state for n in notices.notices()) == {"sent": NOTICES}
    # The notice the dead worker held is sent by the resumed job, under the job's own claim.
    assert finished.result["sent"] >= 1
    (again,) = [n for n in notices.notices() if n.id == held]
    assert (again.state, again.sender) == ("sent", job.id)
    notices.close()
