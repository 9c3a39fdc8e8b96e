"""Audits: walk a room or a cart, scan what is there, know what is missing."""

from rtutils_core.audits.values import (
    SCOPE_KINDS,
    ActionEntry,
    ActionOutcome,
    Audit,
    AuditOptions,
    AuditResult,
    ExpectedAsset,
    ModelFigures,
    ScanEntry,
    ScanResult,
    Scope,
    WriteReport,
)

__all__ = [
    "SCOPE_KINDS",
    "ActionEntry",
    "ActionOutcome",
    "Audit",
    "AuditOptions",
    "AuditResult",
    "ExpectedAsset",
    "ModelFigures",
    "ScanEntry",
    "ScanResult",
    "Scope",
    "WriteReport",
]
