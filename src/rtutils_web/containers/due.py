"""Due dates and the notices by e-mail: the notice log, the templates, the mail server, the
outbox, the service and its job kinds."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_adapters.mail import JinjaNoticeRenderer, SmtpMailer, SmtpServer
from rtutils_adapters.pacing import RatePace
from rtutils_adapters.stores import open_notice_log
from rtutils_core.due.jobs import due_job_kinds
from rtutils_core.due.outbox import Outbox
from rtutils_core.due.service import DueService
from rtutils_core.errors import ConfigError
from rtutils_web.containers.base import feature_store
from rtutils_web.settings import Settings


def _mailer(settings: Settings) -> SmtpMailer:
    """The mail server; only built when a notice is sent."""
    if not settings.mail_is_set_up:
        raise ConfigError("sending notices needs SMTP_URL (the mail server) and MAIL_FROM")
    return SmtpMailer(
        SmtpServer.from_url(settings.smtp_url),
        settings.mail_from,
        reply_to=settings.mail_reply_to,
        user=settings.smtp_user.reveal(),
        password=settings.smtp_password,
    )


class Due(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    loans = providers.DependenciesContainer()
    students = providers.DependenciesContainer()

    notice_log = feature_store(open_notice_log, base)
    notice_renderer = providers.ThreadSafeSingleton(
        JinjaNoticeRenderer, base.settings.provided.mail_templates_dir
    )
    mailer = providers.ThreadSafeSingleton(_mailer, base.settings)
    outbox = providers.ThreadSafeSingleton(
        Outbox,
        notice_log,
        notice_renderer,
        mailer,
        base.settings.provided.notice_options,
        pace=providers.ThreadSafeSingleton(RatePace, base.settings.provided.mail_rate),
    )
    due_service = providers.ThreadSafeSingleton(
        DueService,
        loans=loans.loan_service,
        roster=students.roster,
        notices=notice_log,
        outbox=outbox.provider,
        options=base.settings.provided.notice_options,
        returns=students.return_service,
    )
    #: The nightly run, a receipt, a campaign and the outbox; each builds the service when it runs.
    job_kinds = providers.ThreadSafeSingleton(due_job_kinds, due_service.provider)
