"""The shape RT's adapter and the in-memory fake share: one object for each port.

Each backend is its asset port (:class:`~rtutils_core.assets.ports.AssetBackend`), and has
one part for each other port: the loan desk's (``loans``), intake's searches
(``intake_search``) and the users' custom fields (``user_fields``), each built on the
pieces it needs (the asset reader, the HTTP client, the metadata caches), which they share.
The container binds each port to its part. For code that uses the backend as one object
(the library, the tests), :class:`PortParts` answers every port on the backend itself by
passing each call to the part that serves it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Generic, TypeVar

from rtutils_core.assets import Asset, AssetPage, AssetQuery, TicketDraft, User
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.intake.ports import IntakeSearch
from rtutils_core.loans import AssetState, LoanRole
from rtutils_core.loans.ports import LoanBackend, LoanReads
from rtutils_core.students.ports import UserFieldBackend

R = TypeVar("R", bound=LoanReads)


class ReadsThrough(Generic[R]):
    """Reads of people and assets (the loan port's), asked of the asset reader it shares."""

    def __init__(self, reader: R) -> None:
        self.reader = reader

    def get_user(self, name: str) -> User:
        return self.reader.get_user(name)

    def find_people(self, names_or_emails: Sequence[str]) -> Mapping[str, User]:
        return self.reader.find_people(names_or_emails)

    def search_assets(self, query: AssetQuery, page: int = 1, per_page: int = 100) -> AssetPage:
        return self.reader.search_assets(query, page, per_page)

    def iter_assets(self, query: AssetQuery, *, people: bool = True) -> Iterator[Asset]:
        return self.reader.iter_assets(query, people=people)


class PortParts:
    """The ports beyond assets, answered on the backend itself by their parts."""

    def __init__(
        self, loans: LoanBackend, intake_search: IntakeSearch, user_fields: UserFieldBackend
    ) -> None:
        self.loans = loans
        self.intake_search = intake_search
        self.user_fields = user_fields

    def read_asset_state(self, asset_id: int) -> AssetState:
        return self.loans.read_asset_state(asset_id)

    def write_loan(
        self, asset_id: int, role: LoanRole, person: User | None, status: str, *, if_version: str
    ) -> None:
        self.loans.write_loan(asset_id, role, person, status, if_version=if_version)

    def open_ticket(self, draft: TicketDraft) -> int:
        return self.loans.open_ticket(draft)

    def ticket_subject(self, ticket_id: int) -> str:
        return self.loans.ticket_subject(ticket_id)

    def search_on_loan(
        self, role: LoanRole, catalog: str | None, page: int = 1, per_page: int = 100
    ) -> AssetPage:
        return self.loans.search_on_loan(role, catalog, page, per_page)

    def catalog_fields(self, catalog: str) -> Sequence[CatalogField]:
        return self.intake_search.catalog_fields(catalog)

    def find_any(self, queries: Sequence[AssetQuery]) -> Sequence[Asset]:
        return self.intake_search.find_any(queries)

    def read_user_fields(self, user_id: int) -> Mapping[str, str]:
        return self.user_fields.read_user_fields(user_id)

    def write_user_fields(self, user_id: int, values: Mapping[str, str]) -> None:
        self.user_fields.write_user_fields(user_id, values)
