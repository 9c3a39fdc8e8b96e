"""The rules of an audit, pure: which scan is which, what finishing finds, what is overdue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from rtutils_core.assets import Asset
from rtutils_core.audits.values import (
    PENDING_REASON,
    AuditOptions,
    AuditResult,
    ExpectedAsset,
    ModelFigures,
    ScanDraft,
    ScanEntry,
    Scope,
)


def expected_of(asset: Asset, options: AuditOptions) -> ExpectedAsset:
    """The snapshot of ``asset`` kept when an audit starts."""
    return ExpectedAsset(
        asset_id=asset.id,
        tag=asset.name.strip(),
        catalog=asset.catalog,
        model=asset.cf(options.model_field),
        status=asset.status,
        location=asset.cf(options.location_field),
        serial=asset.cf(options.serial_field),
    )


def local_match(text: str, expected: Sequence[ExpectedAsset]) -> ExpectedAsset | None:
    """The expected device whose tag or serial is exactly ``text``: a scan the audit knows
    without asking RT (most scans of an audit are of the devices it expects)."""
    for item in expected:
        if text in (item.tag, item.serial):
            return item
    return None


def present_scan(item: ExpectedAsset, text: str) -> ScanDraft:
    return ScanDraft(
        key=f"asset:{item.asset_id}",
        text=text,
        outcome="present",
        asset_id=item.asset_id,
        tag=item.tag,
        model=item.model,
    )


def where_else(asset: Asset, scope: Scope, options: AuditOptions) -> str:
    """Why a device RT knows is not expected here, in a desk's words."""
    reasons = []
    if asset.status in options.retired_statuses:
        reasons.append(f"its status is {asset.status}")
    if asset.held_by:
        reasons.append(f"held by {', '.join(asset.held_by)}")
    location = asset.cf(options.location_field)
    if scope.kind == "location" or location:
        reasons.append(f"its location is {location}" if location else "it has no location")
    if scope.kind == "catalog":
        reasons.append(f"it is in catalog {asset.catalog}")
    if scope.kind == "person":
        reasons.append(f"its owner is {asset.owner}" if asset.owner else "it has no owner")
    return "; ".join(reasons) or f"not in this audit's {scope.kind}"


def scan_of_device(
    asset: Asset,
    text: str,
    expected_ids: Mapping[int, ExpectedAsset],
    scope: Scope,
    options: AuditOptions,
) -> ScanDraft:
    """A scan that named a device: present if expected, else unexpected with the reason."""
    item = expected_ids.get(asset.id)
    if item is not None:
        return present_scan(item, text)
    return ScanDraft(
        key=f"asset:{asset.id}",
        text=text,
        outcome="unexpected",
        asset_id=asset.id,
        tag=asset.name.strip(),
        model=asset.cf(options.model_field),
        reason=where_else(asset, scope, options),
    )


def unknown_scan(text: str, reason: str) -> ScanDraft:
    """A scan that names nothing RT knows; the same text again is the same scan."""
    return ScanDraft(key=text_key(text), text=text, outcome="unknown", reason=reason)


def text_key(text: str) -> str:
    """The key of a scan no device is known for (yet): its text, whatever the case."""
    return f"text:{text.casefold()}"


def pending_scan(text: str) -> ScanDraft:
    """A scan kept while RT cannot be reached, classified when RT answers; the same text
    again is the same scan (the key of an unknown scan, which it may turn out to be)."""
    return ScanDraft(key=text_key(text), text=text, outcome="pending", reason=PENDING_REASON)


def summarise(expected: Sequence[ExpectedAsset], scans: Iterable[ScanEntry]) -> AuditResult:
    """What the scans found against the expected set, with the figures per model."""
    entries = list(scans)
    seen = {e.asset_id for e in entries if e.outcome == "present"}
    present = tuple(e for e in expected if e.asset_id in seen)
    missing = tuple(e for e in expected if e.asset_id not in seen)
    unexpected = tuple(e for e in entries if e.outcome == "unexpected")
    unknown = tuple(e for e in entries if e.outcome == "unknown")
    pending = tuple(e for e in entries if e.outcome == "pending")
    figures: dict[str, dict[str, int]] = {}

    def add(model: str, what: str) -> None:
        row = figures.setdefault(model, dict.fromkeys(("expected", "present", "missing"), 0))
        row[what] = row.get(what, 0) + 1

    for item in expected:
        add(item.model, "expected")
        add(item.model, "present" if item.asset_id in seen else "missing")
    for entry in unexpected:
        add(entry.model, "unexpected")
    models = tuple(ModelFigures(m, **figures[m]) for m in sorted(figures))
    return AuditResult(present, missing, unexpected, unknown, models, pending)


def audited_day(value: str) -> date | None:
    """The date a ``Last Audited`` value holds (ISO ``YYYY-MM-DD``), or None."""
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def is_overdue(asset: Asset, today: date, options: AuditOptions) -> bool:
    """Never audited, or last audited more than ``overdue_days`` before ``today``."""
    day = audited_day(asset.cf(options.audited_field))
    return day is None or day < today - timedelta(days=options.overdue_days)
