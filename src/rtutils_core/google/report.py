"""What a Google Admin sync found and did (or, in a dry run, would do), as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Literal

import attrs
from attrs import frozen

from rtutils_core.csv_cells import spreadsheet_cell

Side = Literal["google", "rt"]
MatchedBy = Literal["serial", "mac"]
ConflictKind = Literal[
    "serial-on-several-assets",
    "mac-on-several-assets",
    "asset-matched-by-several-devices",
    "annotation-names-other-asset",
]


@frozen
class DeviceMatch:
    """A device and the RT asset it is, found by its serial number or a MAC address."""

    device_id: str
    serial: str
    asset_id: int
    asset_name: str
    matched_by: MatchedBy


@frozen
class UnmatchedDevice:
    """A device in Google that no RT asset in the sync's scope matches."""

    device_id: str
    serial: str
    macs: tuple[str, ...]
    annotated_asset_id: str = ""


@frozen
class UnmatchedAsset:
    """An RT asset in the sync's scope that no device matches."""

    asset_id: int
    asset_name: str
    serial: str


@frozen
class SyncConflict:
    """Something a person must settle; the devices and assets named are left alone."""

    kind: ConflictKind
    device_ids: tuple[str, ...]
    asset_ids: tuple[int, ...]
    detail: str


@frozen
class FieldChange:
    """One value to write: on the device in Google, or on the asset in RT.

    ``field`` is the sync's field key (``asset_id``, ``os_version``, ...); ``target`` the name
    on the side written (``annotatedAssetId``, or an RT custom field such as ``OS Version``).
    """

    device_id: str
    asset_id: int
    side: Side
    field: str
    target: str
    before: str
    after: str


@frozen
class WriteFailure:
    """A write the backend refused during a real run; the rest of the run went on."""

    device_id: str
    asset_id: int
    side: Side
    code: str
    message: str


@frozen
class ChromeSyncReport:
    """The outcome of one sync. In a dry run ``changes`` were planned, not written."""

    dry_run: bool
    matched: tuple[DeviceMatch, ...]
    unmatched_devices: tuple[UnmatchedDevice, ...]
    unmatched_assets: tuple[UnmatchedAsset, ...]
    conflicts: tuple[SyncConflict, ...]
    changes: tuple[FieldChange, ...]
    failures: tuple[WriteFailure, ...] = ()

    def changes_on(self, side: Side) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.side == side)

    def summary(self) -> dict[str, int]:
        """Counts for a log line or a progress page (ids and numbers only)."""
        return {
            "matched": len(self.matched),
            "unmatched_devices": len(self.unmatched_devices),
            "unmatched_assets": len(self.unmatched_assets),
            "conflicts": len(self.conflicts),
            "google_changes": len(self.changes_on("google")),
            "rt_changes": len(self.changes_on("rt")),
            "devices_changed_in_google": len({c.device_id for c in self.changes_on("google")}),
            "assets_changed_in_rt": len({c.asset_id for c in self.changes_on("rt")}),
            "failures": len(self.failures),
        }


def report_json(report: ChromeSyncReport) -> str:
    """The whole report as a JSON document (a summary first, then every list)."""
    document = {"summary": report.summary(), **attrs.asdict(report, recurse=True)}
    return json.dumps(document, indent=2, ensure_ascii=False)


#: Columns of the CSV form: one row per match, unmatched record, conflict, change or failure.
CSV_COLUMNS = (
    "record",
    "device_id",
    "serial",
    "asset_id",
    "asset_name",
    "side",
    "field",
    "target",
    "before",
    "after",
    "detail",
)


def _csv_rows(report: ChromeSyncReport) -> Iterator[dict[str, object]]:
    for m in report.matched:
        yield {"record": "matched", "device_id": m.device_id, "serial": m.serial,
               "asset_id": m.asset_id, "asset_name": m.asset_name,
               "detail": m.matched_by}  # fmt: skip
    for d in report.unmatched_devices:
        yield {"record": "unmatched-device", "device_id": d.device_id, "serial": d.serial,
               "detail": " ".join(d.macs)}  # fmt: skip
    for a in report.unmatched_assets:
        yield {"record": "unmatched-asset", "serial": a.serial, "asset_id": a.asset_id,
               "asset_name": a.asset_name}  # fmt: skip
    for c in report.conflicts:
        yield {"record": "conflict", "device_id": " ".join(c.device_ids), "field": c.kind,
               "asset_id": " ".join(map(str, c.asset_ids)), "detail": c.detail}  # fmt: skip
    for ch in report.changes:
        yield {"record": "change", "device_id": ch.device_id, "asset_id": ch.asset_id,
               "side": ch.side, "field": ch.field, "target": ch.target,
               "before": ch.before, "after": ch.after}  # fmt: skip
    for f in report.failures:
        yield {"record": "failure", "device_id": f.device_id, "asset_id": f.asset_id,
               "side": f.side, "field": f.code, "detail": f.message}  # fmt: skip


def report_csv(report: ChromeSyncReport) -> str:
    """The report as one CSV table; the ``record`` column says what each row is.

    Serials, names and values come from Google and RT, where people type them: every cell
    is guarded as the other exports' are, so a spreadsheet never runs one as a formula.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_cell(v) for k, v in row.items()} for row in _csv_rows(report))
    return out.getvalue()
