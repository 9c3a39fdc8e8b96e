"""The outbox: the desk's writes held back while RT cannot be reached, their replay (a job
kind, submitted by its schedule while operations wait) and the assets last seen."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_adapters.stores import open_outbox
from rtutils_core.due.jobs import RECEIPT
from rtutils_core.jobs import Schedule
from rtutils_core.outbox.device_ops import DeviceDesk
from rtutils_core.outbox.offline import OfflineDesk
from rtutils_core.outbox.replay import KIND, OutboxReplay
from rtutils_core.outbox.service import OutboxService
from rtutils_web.containers.base import feature_store
from rtutils_web.settings import Settings


def _receipt_kind(settings: Settings) -> str | None:
    """The receipt job a replayed check-out queues, as a live one does (when mail is set up
    and receipts are on)."""
    return RECEIPT if settings.mail_is_set_up and "receipt" in settings.notices else None


class Outbox(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    loans = providers.DependenciesContainer()
    tags = providers.DependenciesContainer()
    students = providers.DependenciesContainer()
    intake = providers.DependenciesContainer()

    #: The outbox and the assets last seen: one store, both ports.
    outbox_store = feature_store(open_outbox, base)
    offline_desk = providers.ThreadSafeSingleton(
        OfflineDesk,
        store=outbox_store,
        known=outbox_store,
        loan_log=loans.loan_log,
        roster=students.roster,
        formats=base.settings.provided.tag_formats,
        options=base.settings.provided.loan_options,
        tags=tags.tag_store,
    )
    outbox_service = providers.ThreadSafeSingleton(
        OutboxService,
        store=outbox_store,
        known=outbox_store,
        loans=loans.loan_service,
        offline=offline_desk,
        ping=base.backend.provided.ping,
        options=base.settings.provided.outbox_options,
    )
    outbox_replay = providers.ThreadSafeSingleton(
        OutboxReplay,
        store=outbox_store,
        known=outbox_store,
        loans=loans.loan_service,
        options=base.settings.provided.outbox_options,
        receipt_kind=providers.Callable(_receipt_kind, base.settings),
        intake=intake.intake_service,
        tags=tags.tag_service,
    )
    #: Intake creates and tag issues, to RT or into the outbox.
    device_desk = providers.ThreadSafeSingleton(
        DeviceDesk, outbox=outbox_service, intake=intake.intake_service, tags=tags.tag_service
    )
    job_kind = outbox_replay.provided.job_kind.call()
    schedule = providers.Factory(
        Schedule,
        KIND,
        KIND,
        base.settings.provided.outbox_replay_interval,
        when=outbox_replay.provided.has_work,
    )
