"""An audit's result as a spreadsheet takes it: one row per device or scan."""

from __future__ import annotations

from rtutils_core.audits.values import AuditResult
from rtutils_core.csv_cells import csv_table, spreadsheet_cell as cell

COLUMNS = ("result", "tag", "asset_id", "model", "status", "location", "scanned", "desk", "reason")


def audit_csv(result: AuditResult) -> str:
    """Present and missing devices (as RT had them at the start), then the unexpected and
    unknown scans with their reasons, then the scans still waiting for RT (``pending``)."""
    rows = [
        [cell(what), cell(e.tag), cell(e.asset_id), cell(e.model), cell(e.status)]
        + [cell(e.location), "", "", ""]
        for what, items in (("present", result.present), ("missing", result.missing))
        for e in items
    ]
    rows += [
        [cell(s.outcome), cell(s.tag), cell(s.asset_id), cell(s.model), "", ""]
        + [cell(s.text), cell(s.desk), cell(s.reason)]
        for s in (*result.unexpected, *result.unknown, *result.pending)
    ]
    return csv_table(COLUMNS, rows)
