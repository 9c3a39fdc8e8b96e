"""The current app's services: the one way views (and the shell's plumbing) reach them.

The container itself stays in ``container.py``; a view asks here for a service by name.
"""

from __future__ import annotations

from flask import current_app, g, request

from rtutils_adapters.rt.meter import RTUsage
from rtutils_core.assets.ports import AssetBackend
from rtutils_core.assets.service import AssetService
from rtutils_core.audits.service import AuditService
from rtutils_core.due.service import DueService
from rtutils_core.google.service import ChromeSyncService
from rtutils_core.imports.jobs import ImportJobs
from rtutils_core.intake.service import IntakeService
from rtutils_core.jobs.service import JobService
from rtutils_core.labels.service import LabelService
from rtutils_core.loans.service import LoanService
from rtutils_core.outbox.device_ops import DeviceDesk
from rtutils_core.outbox.service import OutboxService
from rtutils_core.printing.sender import PrintSender
from rtutils_core.printing.service import PrintService
from rtutils_core.returns.service import ReturnService
from rtutils_core.scans.service import ScanService
from rtutils_core.students.service import RosterService
from rtutils_core.students.user_fields_sync import UserFieldSync
from rtutils_core.tags.service import TagService
from rtutils_web.access.sessions import SessionStore
from rtutils_web.container import Container
from rtutils_web.settings import Settings


def _container() -> Container:
    built: Container = current_app.extensions["rtutils"]
    return built


def settings() -> Settings:
    value: Settings = _container().settings()
    return value


def actor() -> str:
    """The name recorded in the tag event log for the current caller."""
    return str(g.get("user_name") or "anonymous")


def request_id() -> str:
    return str(g.get("request_id", ""))


def backend() -> AssetBackend:
    """The backend itself: only the readiness probe pings it; views use the services."""
    found: AssetBackend = _container().base.backend()
    return found


def assets() -> AssetService:
    service: AssetService = _container().assets.asset_service()
    return service


def tags() -> TagService:
    service: TagService = _container().tags.tag_service()
    return service


def labels() -> LabelService:
    service: LabelService = _container().labels.label_service()
    return service


def printing() -> PrintService:
    service: PrintService = _container().printing.print_service()
    return service


def print_sender() -> PrintSender:
    sender: PrintSender = _container().jobs.print_sender()
    return sender


def intake() -> IntakeService:
    service: IntakeService = _container().intake.intake_service()
    return service


def imports() -> ImportJobs:
    service: ImportJobs = _container().jobs.import_jobs()
    return service


def loans() -> LoanService:
    service: LoanService = _container().loans.loan_service()
    return service


def outbox() -> OutboxService:
    """The desk's writes to RT, or into the outbox while RT cannot be reached."""
    service: OutboxService = _container().outbox.outbox_service()
    return service


def device_desk() -> DeviceDesk:
    """Intake creates and tag issues, to RT or into the outbox while it cannot be reached."""
    service: DeviceDesk = _container().outbox.device_desk()
    return service


def idempotency_key() -> str:
    """The request's ``Idempotency-Key`` header, or its request id (a retry is new then)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    return key or f"request-{request_id()}"


def jobs() -> JobService:
    service: JobService = _container().jobs.job_service()
    return service


def google_sync() -> ChromeSyncService:
    """The Google sync; :class:`~rtutils_core.errors.ConfigError` when it is not set up."""
    service: ChromeSyncService = _container().google.chrome_sync_service()
    return service


def roster() -> RosterService:
    service: RosterService = _container().students.roster_service()
    return service


def user_field_sync() -> UserFieldSync:
    service: UserFieldSync = _container().students.user_field_sync()
    return service


def returns() -> ReturnService:
    service: ReturnService = _container().students.return_service()
    return service


def due() -> DueService:
    """Due dates: the overdue list and the notices."""
    service: DueService = _container().due.due_service()
    return service


def session_store() -> SessionStore:
    store: SessionStore = _container().base.session_store()
    return store


def rt_metering() -> RTUsage:
    """Meters the RT requests of the request starting now."""
    usage: RTUsage = _container().base.rt_metering()
    return usage


def scans() -> ScanService:
    """What a scan or the search box names; a view over the asset, loan and roster services."""
    return ScanService(assets(), loans(), _container().students.roster())


def audits() -> AuditService:
    service: AuditService = _container().audits.audit_service()
    return service
