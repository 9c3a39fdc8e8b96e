"""The clock that services and stores use unless they are given one (a test's)."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, as an aware time in UTC."""
    return datetime.now(UTC)
