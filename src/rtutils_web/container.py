"""The composition root: the only module that knows which adapter implements which port.

The root composes one container per feature (``rtutils_web.containers``); the web app builds
one root per app, other Python code calls :func:`build_container`.
"""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_core.errors import ConfigError, RtutilsError
from rtutils_core.loans.service import LoanService
from rtutils_web.containers.assets import Assets
from rtutils_web.containers.audits import Audits
from rtutils_web.containers.base import Base
from rtutils_web.containers.due import Due
from rtutils_web.containers.google import Google
from rtutils_web.containers.imports import Imports
from rtutils_web.containers.intake import Intake
from rtutils_web.containers.jobs import Jobs
from rtutils_web.containers.labels import Labels
from rtutils_web.containers.loans import Loans
from rtutils_web.containers.outbox import Outbox
from rtutils_web.containers.printing import Printing
from rtutils_web.containers.students import Students
from rtutils_web.containers.tags import Tags
from rtutils_web.logs import get_logger
from rtutils_web.settings import Settings


class Container(containers.DeclarativeContainer):
    """Settings, the adapters and the services, one sub-container per feature.

    Nothing is created until it is first asked for, so overriding a provider before that
    (``container.backend.override(providers.Object(other))``) is all a test or a library
    user needs. Every object is created once per container, safely across threads.
    """

    settings = providers.Dependency(instance_of=Settings)

    base = providers.Container(Base, settings=settings)
    assets = providers.Container(Assets, base=base)
    labels = providers.Container(Labels, base=base)
    printing = providers.Container(Printing, base=base, labels=labels)
    tags = providers.Container(Tags, base=base, printing=printing)
    loans = providers.Container(Loans, base=base)
    intake = providers.Container(Intake, base=base, tags=tags)
    imports = providers.Container(Imports, base=base, intake=intake)
    students = providers.Container(Students, base=base, loans=loans)
    google = providers.Container(Google, base=base)
    outbox = providers.Container(
        Outbox, base=base, loans=loans, tags=tags, students=students, intake=intake
    )
    audits = providers.Container(
        Audits, base=base, assets=assets, loans=loans, students=students, outbox=outbox
    )
    due = providers.Container(Due, base=base, loans=loans, students=students)
    jobs = providers.Container(
        Jobs,
        base=base,
        printing=printing,
        imports=imports,
        kinds=providers.List(
            tags.job_kind,
            printing.job_kind,
            google.job_kind,
            imports.job_kind,
            students.job_kind,
            audits.job_kind,
            audits.resolve_kind,
            due.job_kinds.provided[0],
            due.job_kinds.provided[1],
            due.job_kinds.provided[2],
            due.job_kinds.provided[3],
            outbox.job_kind,
        ),
        schedules=providers.List(outbox.schedule, audits.resolve_schedule),
    )

    #: The names docs/library.md shows, kept on the root (the same providers as above).
    backend = base.backend
    asset_service = assets.asset_service
    tag_service = tags.tag_service
    label_service = labels.label_service


def build_container(settings: Settings | None = None) -> Container:
    """Wire every adapter and service for ``settings`` (default: from the environment).

    Creates nothing yet: see :class:`Container`. A server calls :func:`check_start_up` next.
    """
    return Container(settings=settings or Settings.from_env())


def check_start_up(container: Container) -> None:
    """Create what must work before the first request (state directory, label templates,
    stores, loan statuses, printers), so a bad setting stops start-up naming its variable."""
    container.base.working_dir()
    container.labels.label_templates()
    container.tags.tag_store()
    container.jobs.job_store()  # the job database and queue; not the services, which are lazy
    container.jobs.job_queue()

    check_loan_statuses(container.loans.loan_service())
    container.printing.printers()  # an unknown printer model stops start-up, naming it
    container.printing.print_job_store()
    container.intake.intake_store()
    container.students.roster()
    container.audits.audit_store()
    container.due.notice_log()
    container.due.notice_renderer().check()  # a district template with a typo stops start-up
    container.outbox.outbox_store()


def check_loan_statuses(service: LoanService) -> None:
    """CHECKOUT_STATUS and CHECKIN_STATUS against the backend's lifecycle, where it tells.

    A move the lifecycle refuses stops start-up naming the variables; a backend that cannot
    be asked (RT down, no asset in a status, a lifecycle the token may not see) is logged and
    the service starts: the desk reads each write back anyway.
    """
    log = get_logger("rtutils.loans")
    try:
        check = service.check_statuses()
    except RtutilsError as error:
        log.warning("loan_statuses_unchecked", error_code=error.code, error=error.message)
        return
    if check.problems:
        raise ConfigError(f"CHECKOUT_STATUS / CHECKIN_STATUS: {'; '.join(check.problems)}")
    for unknown in check.unknown:
        log.info("loan_statuses_unchecked", detail=unknown)
