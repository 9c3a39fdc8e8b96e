"""Audits: their store, the service (over the desk's scan routing, with RT's state as the
outbox keeps it), the job kind that writes ``Last Audited``, paced by AUDIT_WRITE_RATE, and
the one that classifies scans kept pending while RT could not be reached (on the outbox
replay's schedule, while any wait)."""

from __future__ import annotations

from collections.abc import Callable

from dependency_injector import containers, providers

from rtutils_adapters.pacing import RatePace
from rtutils_adapters.stores import open_audit_store
from rtutils_core.audits.jobs import RESOLVE, audit_resolve_job_kind, audit_write_job_kind
from rtutils_core.audits.ports import AuditStore
from rtutils_core.audits.service import AuditService
from rtutils_core.jobs import Schedule
from rtutils_core.scans.service import ScanService
from rtutils_web.containers.base import feature_store


def _has_pending(store: AuditStore) -> Callable[[], bool]:
    """Whether any audit has scans waiting for RT (asked by the schedule each interval)."""
    return lambda: bool(store.pending_audits())


class Audits(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    assets = providers.DependenciesContainer()
    loans = providers.DependenciesContainer()
    students = providers.DependenciesContainer()
    outbox = providers.DependenciesContainer()

    audit_store = feature_store(open_audit_store, base)
    scan_service = providers.ThreadSafeSingleton(
        ScanService, assets.asset_service, loans.loan_service, students.roster
    )
    audit_service = providers.ThreadSafeSingleton(
        AuditService,
        backend=base.backend,
        store=audit_store,
        scans=scan_service,
        options=base.settings.provided.audit_options,
        pace=providers.ThreadSafeSingleton(RatePace, base.settings.provided.audit_write_rate),
        rt=outbox.outbox_service,
    )
    #: The service comes when a write job runs.
    job_kind = providers.ThreadSafeSingleton(audit_write_job_kind, audit_service.provider)
    resolve_kind = providers.ThreadSafeSingleton(audit_resolve_job_kind, audit_service.provider)
    resolve_schedule = providers.Factory(
        Schedule,
        RESOLVE,
        RESOLVE,
        base.settings.provided.outbox_replay_interval,
        when=providers.Callable(_has_pending, audit_store),
    )
