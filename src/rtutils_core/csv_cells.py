"""CSV for spreadsheets, shared by every export: cells that never run as formulas, whole tables."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

# A spreadsheet runs a cell starting with one of these as a formula; asset names and actors
# are typed by people, so they are quoted as text (OWASP's advice on CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    if value is None:
        return ""
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_table(header: Iterable[str], rows: Iterable[list[str]]) -> str:
    """CSV text (CRLF lines, as spreadsheets expect) of ``header`` and then ``rows``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()
