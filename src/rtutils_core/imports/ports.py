"""The CSV import's port: where uploaded files and their results are kept."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, runtime_checkable


@runtime_checkable
class ImportFiles(Protocol):
    """Where CSV imports keep their input and result files, readable by every worker.

    Names are opaque (made by :meth:`keep`); the files are the service's alone.
    """

    def keep(self, text: str) -> str:
        """Store an uploaded CSV file; its name for :meth:`read` and the result file."""

    def read(self, name: str) -> str:
        """The kept file's text (:class:`~rtutils_core.errors.NotFound` if it is gone)."""

    def write_result(self, name: str, chunks: Iterable[str]) -> None:
        """Write the result file of ``name``'s import at once (never half of it)."""

    def result(self, name: str) -> str | None:
        """The result file's text, or None while there is none."""

    def forget_before(self, moment: datetime) -> int:
        """Remove the files kept before ``moment`` (with their results); how many."""
