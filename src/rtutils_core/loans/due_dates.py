"""Reading due dates: the devices out with their loans, in bulk, and one person's devices.

RT says who holds what (one search per page of 100), the loan log when each is due (one
read); nothing is asked per device.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rtutils_core.assets import Asset
from rtutils_core.loans.due import DueLoan, due_loans, last_events
from rtutils_core.loans.service import LoanService
from rtutils_core.loans.values import LoanFilter


class DueDates:
    """Due dates of the loans of a :class:`LoanService` (its backend and its log)."""

    def __init__(self, loans: LoanService) -> None:
        self.loans = loans

    @property
    def soon_days(self) -> int:
        return self.loans.options.due_soon_days

    def out(self, catalog: str | None = None) -> list[DueLoan]:
        """Every device out on loan (in ``catalog``, all when None) with its loan."""
        assets = list(self.loans.iter_still_out(catalog))
        newest = last_events(self.loans.events(LoanFilter()))
        return due_loans(assets, newest, self.loans.options.holders)

    def of_assets(self, assets: Iterable[Asset]) -> Mapping[int, DueLoan]:
        """The loans of ``assets`` (one person's few devices): one log read per device."""
        held = list(assets)
        events = [e for a in held for e in self.loans.events(LoanFilter(asset_id=a.id))]
        found = due_loans(held, last_events(events), self.loans.options.holders)
        return {d.asset.id: d for d in found}
