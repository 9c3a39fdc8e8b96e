"""Audits: their store, the service (over the desk's scan routing) and the job kind that
writes ``Last Audited``, paced by AUDIT_WRITE_RATE."""

from __future__ import annotations

from dependency_injector import containers, providers

from rtutils_adapters.pacing import RatePace
from rtutils_adapters.stores import open_audit_store
from rtutils_core.audits.service import AuditService, audit_write_job_kind
from rtutils_core.scans.service import ScanService
from rtutils_web.containers.base import feature_store


class Audits(containers.DeclarativeContainer):
    base = providers.DependenciesContainer()
    assets = providers.DependenciesContainer()
    loans = providers.DependenciesContainer()
    students = providers.DependenciesContainer()

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
    )
    #: The service comes when a write job runs.
    job_kind = providers.ThreadSafeSingleton(audit_write_job_kind, audit_service.provider)
