"""The loan log and the devices still out, as people take them away: CSV for a spreadsheet."""

from __future__ import annotations

from collections.abc import Iterable

from rtutils_core.assets import Asset
from rtutils_core.csv_cells import csv_table, spreadsheet_cell as cell
from rtutils_core.loans.values import LoanEvent, LoanOptions

LOAN_COLUMNS = (
    "id",
    "at",
    "action",
    "asset_id",
    "tag",
    "person",
    "operator",
    "condition",
    "damages",
    "note",
    "ticket_id",
    "ticket_error",
    "due",
    "forced",
    "request_id",
)

OUTSTANDING_COLUMNS = ("asset_id", "tag", "catalog", "status", "holder")


def _loan_row(event: LoanEvent) -> list[str]:
    return [
        cell(event.id),
        cell(event.at.isoformat()),
        cell(event.action),
        cell(event.asset_id),
        cell(event.tag),
        cell(event.person),
        cell(event.operator),
        cell(event.condition),
        cell("; ".join(event.damages)),
        cell(event.note),
        cell(event.ticket_id),
        cell(event.ticket_error),
        cell(event.due.isoformat() if event.due else None),
        "yes" if event.forced else "no",
        cell(event.request_id),
    ]


def loans_csv(events: Iterable[LoanEvent]) -> str:
    """The loan events as CSV text with a header row, one row per event."""
    return csv_table(LOAN_COLUMNS, (_loan_row(e) for e in events))


def outstanding_csv(assets: Iterable[Asset], options: LoanOptions) -> str:
    """The devices still out as CSV text: who holds each (the loan role's users)."""
    rows = (
        [
            cell(a.id),
            cell(a.name),
            cell(a.catalog),
            cell(a.status),
            cell(", ".join(options.holders(a))),
        ]
        for a in assets
    )
    return csv_table(OUTSTANDING_COLUMNS, rows)
