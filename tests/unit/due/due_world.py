"""The notices' world on the in-memory fakes: RT users and devices, a roster, a loan log, a
notice log, a mail server that records what it gets, and clocks the tests move."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rtutils_adapters.memory import MemoryBackend, MemoryLoanLog
from rtutils_adapters.memory.notices import MemoryNoticeLog
from rtutils_adapters.memory.roster import MemoryRoster
from rtutils_core.assets import AssetDraft
from rtutils_core.due import NoticeOptions, OutgoingMail, RenderedMail
from rtutils_core.due.outbox import Outbox
from rtutils_core.due.service import DueService
from rtutils_core.errors import MailDeferred, MailRejected
from rtutils_core.loans.service import LoanService
from rtutils_core.returns import CampaignOptions
from rtutils_core.returns.service import ReturnService
from rtutils_core.students.service import RosterService

CATALOG = "Student Devices"
WHO = {"operator": "desk1", "request_id": "req-1"}
TODAY = date(2026, 3, 10)
ROSTER = (
    "student_id,first_name,last_name,grade,rt_user\nS1,Ana,Li,7,ana\nS2,Bo,Lu,7,bo\nS3,Cy,Lo,8,cy\n"
)


class FakeRenderer:
    """Subjects and bodies that show the fields they were given."""

    def render(self, kind: str, fields: Mapping[str, Any]) -> RenderedMail:
        tags = ", ".join(d["tag"] for d in fields.get("devices", []))
        who = fields.get("person", {}).get("name") or fields.get("grade", "")
        return RenderedMail(f"{kind}: {tags or who}", f"{kind} for {who}: {tags}", f"<p>{tags}</p>")


class FakeMailer:
    """Keeps every mail it takes; ``answers`` scripts a failure per recipient (a list of
    "4xx"/"5xx" taken one by one)."""

    def __init__(self) -> None:
        self.sent: list[OutgoingMail] = []
        self.answers: dict[str, list[str]] = {}
        self.closed = 0

    def send(self, mail: OutgoingMail) -> None:
        script = self.answers.get(mail.to[0], [])
        answer = script.pop(0) if script else ""
        if answer == "4xx":
            raise MailDeferred("the mail server answered 451 4.3.0 try again later")
        if answer == "5xx":
            raise MailRejected("the mail server answered 550 5.1.1 mailbox unknown")
        self.sent.append(mail)

    def close(self) -> None:
        self.closed += 1


class World:
    def __init__(self, **options: Any) -> None:
        self.now = datetime(2026, 3, 10, 7, 0, tzinfo=UTC)
        self.day = TODAY
        self.backend = MemoryBackend()
        self.backend.add_catalog(CATALOG)
        self.backend.add_user("ana", "Ana Li", "ana@school.example")
        self.backend.add_user("bo", "Bo Lu", "")
        self.backend.add_user("cy", "Cy Lo", "cy@school.example")
        self.backend.add_user("staff", "Sam Staff", "sam@district.example")
        self.log = MemoryLoanLog()
        self.loans = LoanService(self.backend, self.log)
        self.roster = MemoryRoster()
        RosterService(self.roster, self.loans.find_person).import_roster(ROSTER)
        self.notices = MemoryNoticeLog()
        self.mailer = FakeMailer()
        self.options = NoticeOptions(**options)
        self.outbox = Outbox(
            self.notices, FakeRenderer(), self.mailer, self.options, clock=lambda: self.now
        )
        returns = ReturnService(self.roster, self.loans, self.log, CampaignOptions(CATALOG))
        self.service = DueService(
            self.loans,
            self.roster,
            self.notices,
            lambda: self.outbox,
            self.options,
            returns=returns,
            clock=lambda: self.now,
            today=lambda: self.day,
        )

    def device(self, person: str, due: date | None = None) -> int:
        tag = f"W12-{len(self.backend.records.assets) + 1:05d}"
        asset = self.backend.add_asset(AssetDraft(tag, CATALOG, status="allocated"))
        self.loans.check_out(asset.id, person, due=due, **WHO)
        return asset.id

    def days_later(self, days: int) -> None:
        self.day += timedelta(days=days)
        self.now += timedelta(days=days)

    def nightly(self, sender: str = "job-1"):
        return self.service.run(self.service.plan_loans(), sender)
