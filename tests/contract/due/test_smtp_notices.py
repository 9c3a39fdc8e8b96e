"""Notices through a real SMTP server on loopback (aiosmtpd), with the real templates: every
kind arrives with the right recipients, subject and content, parsed back with ``email``; a
second run sends nothing; a 4xx is tried again, a 5xx is reported with its reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from tests.smtp_harness import self_signed, start_smtp
from tests.unit.due.due_world import TODAY, WHO, World

from rtutils_adapters.mail import JinjaNoticeRenderer, SmtpMailer, SmtpServer
from rtutils_core.due import OutgoingMail
from rtutils_core.due.outbox import Outbox
from rtutils_core.due.samples import sample_fields
from rtutils_core.errors import ConfigError, MailDeferred, MailRejected
from rtutils_core.secrets import Secret

FROM = "it-desk@district.example"
REPLY_TO = "help@district.example"


def mailer(server, **options) -> SmtpMailer:
    return SmtpMailer(SmtpServer.from_url(server.url), FROM, reply_to=REPLY_TO, **options)


def mail(to=("ana@school.example",), cc=()) -> OutgoingMail:
    return OutgoingMail(to, cc, "Überfällig: W12-00001", "plain Ünïcode", "<p>html</p>", "n-1-ab")


def smtp_world(server, **options) -> World:
    """The fakes' world with the real templates and a real mail server."""
    world = World(organisation="Westfield Schools", **options)
    world.mailer = mailer(server)
    world.outbox = Outbox(
        world.notices, JinjaNoticeRenderer(), world.mailer, world.options, clock=lambda: world.now
    )
    world.service.outbox = lambda: world.outbox
    return world


def test_a_mail_arrives_whole_with_both_parts_and_its_headers(smtp_server):
    sender = mailer(smtp_server)
    sender.send(mail(cc=("parent@home.example",)))
    sender.close()
    (got,) = smtp_server.received
    assert got.sender == FROM
    assert got.recipients == ["ana@school.example", "parent@home.example"]
    m = got.message
    assert (m["From"], m["Reply-To"], m["To"], m["Cc"]) == (
        FROM,
        REPLY_TO,
        "ana@school.example",
        "parent@home.example",
    )
    assert got.subject == "Überfällig: W12-00001"
    assert m["Message-ID"] == "<n-1-ab@district.example>"
    assert m["Auto-Submitted"] == "auto-generated"
    assert got.part("plain").strip() == "plain Ünïcode"
    assert got.part("html").strip() == "<p>html</p>"


def test_one_connection_serves_many_mails_and_a_closed_one_is_opened_again(smtp_server):
    sender = mailer(smtp_server)
    for _ in range(3):
        sender.send(mail())
    sender.close()
    sender.send(mail())
    sender.close()
    assert len(smtp_server.received) == 4


def test_a_4xx_is_deferred_and_a_5xx_rejected_naming_the_answer_not_the_address(smtp_server):
    smtp_server.handler.script = {
        "ana@school.example": ["451 4.7.1 <ana@school.example>: greylisted, try later"],
        "bo@school.example": ["550 5.1.1 <bo@school.example>: no such mailbox"],
    }
    sender = mailer(smtp_server)
    with pytest.raises(MailDeferred, match=r"answered 451 4\.7\.1 <address>: greylisted") as later:
        sender.send(mail())
    with pytest.raises(
        MailRejected, match=r"answered 550 5\.1\.1 <address>: no such mailbox"
    ) as no:
        sender.send(mail(("bo@school.example",)))
    assert "school.example" not in str(later.value) + str(no.value)
    sender.send(mail())  # the greylisting is over
    assert [r.recipients for r in smtp_server.received] == [["ana@school.example"]]


def test_no_server_is_a_deferral():
    server = start_smtp()
    server.controller.stop()
    with pytest.raises(MailDeferred, match="cannot be reached"):
        mailer(server).send(mail())


def test_starttls_and_smtps_with_the_servers_certificate(tmp_path):
    server_tls, client_tls = self_signed(tmp_path)
    starttls = start_smtp(server_tls)
    try:
        sender = mailer(starttls, tls=client_tls, user="", password=Secret(""))
        sender.send(mail())
        sender.close()
        assert len(starttls.received) == 1
        with pytest.raises(MailDeferred, match="cannot be reached"):
            mailer(starttls).send(mail())  # the system's trust store does not know it
    finally:
        starttls.controller.stop()
    implicit = start_smtp(None, ssl_context=server_tls)
    try:
        url = f"smtps://127.0.0.1:{implicit.port}"
        sender = SmtpMailer(SmtpServer.from_url(url), FROM, tls=client_tls)
        sender.send(mail())
        sender.close()
        assert len(implicit.received) == 1
    finally:
        implicit.controller.stop()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("mail.example.org:587", "must be smtp://host"),
        ("http://mail.example.org", "must be smtp://host"),
        ("smtp://user:pw@mail.example.org", "SMTP_USER and SMTP_PASSWORD"),
        ("smtp://mail.example.org:99999", "bad port"),
    ],
)
def test_a_bad_smtp_url_is_refused_naming_it(url, problem):
    with pytest.raises(ConfigError, match=problem):
        SmtpServer.from_url(url)


def test_every_kind_arrives_with_its_recipients_subject_and_content(smtp_server):
    w = smtp_world(smtp_server, school_address="office@school.example")
    late = w.device("ana", TODAY - timedelta(days=3))
    soon = w.device("cy", TODAY + timedelta(days=1))
    out = w.loans.check_out(w.device("bo"), "cy", due=date(2026, 6, 30), force=True, **WHO)
    w.device("bo")  # Bo has no address: told nobody, listed in grade 7's summary
    receipt = w.service.plan_receipt(out.event.id)
    w.service.run(receipt, "job-receipt")
    w.nightly("job-night")
    w.service.run(w.service.plan_campaign(2026), "job-campaign")

    got = {(r.message["To"], r.subject): r for r in smtp_server.wait_for(7)}
    tag = {a: w.backend.get_asset(a).name for a in (late, soon, out.asset.id)}
    assert set(got) == {
        ("cy@school.example", f"Receipt: {tag[out.asset.id]} checked out to Cy Lo"),
        ("ana@school.example", f"Overdue: {tag[late]} was due back Saturday 7 March 2026"),
        ("cy@school.example", f"Reminder: {tag[soon]} is due back Wednesday 11 March 2026"),
        ("ana@school.example", f"Please return your school device ({tag[late]})"),
        (
            "cy@school.example",
            f"Please return your school devices ({tag[soon]}, {tag[out.asset.id]})",
        ),
        ("office@school.example", "Return campaign 2026, grade 7: 2 students with 2 devices out"),
        ("office@school.example", "Return campaign 2026, grade 8: 1 student with 2 devices out"),
    }
    overdue = got[
        ("ana@school.example", f"Overdue: {tag[late]} was due back Saturday 7 March 2026")
    ]
    assert "was due back on Saturday 7 March 2026, 3 days ago" in overdue.part("plain")
    assert "<strong>Saturday 7 March 2026</strong>" in overdue.part("html")
    assert "Westfield Schools" in overdue.part("plain")
    summary = got[
        ("office@school.example", "Return campaign 2026, grade 7: 2 students with 2 devices out")
    ]
    assert "Bo Lu (S2): " in summary.part(
        "plain"
    ) and "no e-mail address: not told" in summary.part("plain")
    receipt_mail = got[("cy@school.example", f"Receipt: {tag[out.asset.id]} checked out to Cy Lo")]
    assert "Due back: Tuesday 30 June 2026" in receipt_mail.part("plain")
    assert all(r.message["Reply-To"] == REPLY_TO for r in got.values())

    before = len(smtp_server.received)
    w.nightly("job-night-2")
    w.service.run(w.service.plan_campaign(2026), "job-campaign-2")
    w.service.run(w.service.plan_receipt(out.event.id), "job-receipt-2")
    assert len(smtp_server.received) == before  # a second run sends nothing


def test_names_and_addresses_stay_out_of_the_logs(smtp_server, caplog):
    w = smtp_world(smtp_server)
    w.device("ana", TODAY - timedelta(days=1))
    smtp_server.handler.script = {"ana@school.example": ["451 4.7.1 later"]}
    with caplog.at_level("DEBUG", logger="rtutils"):
        w.nightly()
        w.now += timedelta(minutes=5)
        w.outbox.send_ready("outbox")
    assert len(smtp_server.received) == 1
    # This service's records only: the SMTP server in the test logs its own conversation.
    ours = [r for r in caplog.records if r.name.startswith("rtutils")]
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in ours)
    assert "notice_deferred" in logged and "notice_sent" in logged
    for private in ("ana", "Ana", "school.example", "Li"):
        assert private not in logged.replace("loan_id", "").replace("notices_run", ""), private


def test_a_4xx_is_retried_and_arrives_once_and_a_5xx_is_reported(smtp_server):
    w = smtp_world(smtp_server)
    w.device("ana", TODAY - timedelta(days=1))
    w.device("cy", TODAY - timedelta(days=1))
    smtp_server.handler.script = {
        "ana@school.example": ["452 4.2.2 mailbox full"],
        "cy@school.example": ["550 5.7.1 relaying denied"],
    }
    notices, report = w.nightly()
    by_person = {n.person: n.id for n in notices}
    assert (report.deferred, report.failed) == ((by_person["ana"],), (by_person["cy"],))
    failed = w.notices.get(by_person["cy"])
    assert failed.reason == (
        f"the mail server smtp://127.0.0.1:{smtp_server.port} answered 550 5.7.1 relaying denied"
    )
    w.now += timedelta(minutes=5)
    assert w.outbox.send_ready("outbox").sent == (by_person["ana"],)
    (arrived,) = smtp_server.received
    assert arrived.recipients == ["ana@school.example"]
    assert w.outbox.send_ready("outbox-2").summary()["sent"] == 0


def test_a_district_template_with_an_unknown_field_is_refused_naming_both(tmp_path):
    (tmp_path / "overdue.txt").write_text("Dear {{ person.nickname }}")
    renderer = JinjaNoticeRenderer(tmp_path)
    with pytest.raises(ConfigError, match=r"overdue\.txt .*has no attribute 'nickname'"):
        renderer.check()
    (tmp_path / "overdue.txt").write_text("Dear {{ person.first_name }}, {{ device.tag }} is late.")
    renderer.check()
    rendered = renderer.render("overdue", sample_fields("overdue"))
    assert rendered.text == "Dear Ana, W12-00042 is late."
    assert rendered.subject.startswith("Overdue: W12-00042")  # the other parts are built in
    with pytest.raises(ConfigError, match="is not a directory"):
        JinjaNoticeRenderer(tmp_path / "missing")


def test_html_escapes_what_the_fields_hold_and_the_text_keeps_it():
    fields = sample_fields("overdue")
    fields["person"]["name"] = "Ana <b>Li</b> & co"
    rendered = JinjaNoticeRenderer().render("overdue", fields)
    assert "Ana &lt;b&gt;Li&lt;/b&gt; &amp; co" in rendered.html
    assert "Hello Ana <b>Li</b> & co," in rendered.text
