"""`request-tracker-utils due ...` on the demo backend with a real SMTP server on loopback."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from tests.web.shell.test_cli import run_cli

YEAR = 2027


def env_for(tmp_path: Path, smtp_url: str = "") -> dict[str, str]:
    env = {"RTUTILS_BACKEND": "demo", "WORKING_DIR": str(tmp_path / "state")}
    if smtp_url:
        env |= {"SMTP_URL": smtp_url, "MAIL_FROM": "it@district.example", "LOG_LEVEL": "INFO"}
    return env


def test_the_campaign_dry_run_lists_who_would_get_what_and_the_run_sends_it_once(
    tmp_path, smtp_server
):
    env = env_for(tmp_path, smtp_server.url)
    report = tmp_path / "dry.csv"
    dry = run_cli(
        "due", "campaign", "--year", str(YEAR), "--dry-run", "--report", str(report), env=env,
        timeout=60,
    )  # fmt: skip
    assert dry.returncode == 0, dry.stderr
    rows = list(csv.DictReader(io.StringIO(report.read_text("utf-8"))))
    to_send = [r for r in rows if r["state"] == "new"]
    assert to_send and {r["kind"] for r in to_send} == {"campaign"}
    assert {r["state"] for r in rows} <= {"new", "no address"}
    assert smtp_server.received == []

    sent = run_cli("due", "campaign", "--year", str(YEAR), env=env, timeout=60)
    assert sent.returncode == 0, sent.stderr
    assert (
        f"due campaign {date.today().isoformat()}: notices {len(to_send)}, sent {len(to_send)},"
        in sent.stdout
    )
    received = smtp_server.wait_for(len(to_send))
    assert sorted(r.recipients[0] for r in received) == sorted(r["to"] for r in to_send)
    for row in to_send:  # names and addresses go in the mails, never in the log lines
        assert row["to"] not in sent.stderr + sent.stdout.split("\n", 1)[-1]

    again = run_cli("due", "campaign", "--year", str(YEAR), env=env, timeout=60)
    assert "sent 0," in again.stdout and len(smtp_server.received) == len(to_send)


def test_without_a_mail_server_a_run_stops_naming_the_settings(tmp_path):
    out = run_cli("due", "notices", env=env_for(tmp_path), timeout=60)
    assert out.returncode == 2
    assert "SMTP_URL" in out.stderr and "MAIL_FROM" in out.stderr
