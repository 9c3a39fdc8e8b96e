"""The current app's services, for views (the container itself stays in ``container.py``)."""

from __future__ import annotations

from flask import current_app, g

from rtutils_core.assets.service import AssetService
from rtutils_core.intake.service import IntakeService
from rtutils_core.labels.service import LabelService
from rtutils_core.loans.service import LoanService
from rtutils_core.printing.sender import PrintSender
from rtutils_core.printing.service import PrintService
from rtutils_core.scans.service import ScanService
from rtutils_core.tags.service import TagService
from rtutils_web.container import Container
from rtutils_web.settings import Settings


def container() -> Container:
    built: Container = current_app.extensions["rtutils"]
    return built


def settings() -> Settings:
    value: Settings = container().settings()
    return value


def assets() -> AssetService:
    service: AssetService = container().asset_service()
    return service


def tags() -> TagService:
    service: TagService = container().tag_service()
    return service


def labels() -> LabelService:
    service: LabelService = container().label_service()
    return service


def actor() -> str:
    """The name recorded in the tag event log for the current caller."""
    return str(g.get("user_name") or "anonymous")


def request_id() -> str:
    return str(g.get("request_id", ""))


def printing() -> PrintService:
    service: PrintService = container().print_service()
    return service


def print_sender() -> PrintSender:
    sender: PrintSender = container().print_sender()
    return sender


def intake() -> IntakeService:
    service: IntakeService = container().intake_service()
    return service


def loans() -> LoanService:
    service: LoanService = container().loan_service()
    return service


def scans() -> ScanService:
    """What a scan or the search box names; a view over the asset, loan and roster services."""
    return ScanService(assets(), loans(), container().roster())
